package dev.gatehouse.gateway.proxy;

import static dev.gatehouse.gateway.testing.GatewayHarness.GOOD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.RawConnection;
import dev.gatehouse.gateway.testing.ScriptedUpstream;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP details of the gateway's own upstream pipe (it replaced vertx-http-proxy for plain exchanges): hop-by-hop
 * headers stay behind in both directions, bodies keep their framing, HTTP/1.0 clients get a length, 100-continue
 * is answered, and the connection is reused.
 */
class UpstreamPipeTest {
  private static ScriptedUpstream upstream;
  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    upstream = new ScriptedUpstream();
    gateway = GatewayHarness.withConfig(json -> json.getJsonArray("routes").add(new JsonObject()
        .put("prefix", "/stall").put("upstream", upstream.baseUrl()).put("timeoutMillis", 300)));
    gateway.policy.allow("GET", "/stall/.*", "use-everything");
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    upstream.close();
  }

  @Test
  void hopByHopHeadersAndThoseNamedInConnectionStayBehind() {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      RawConnection.Response response = connection.send("GET /api/v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + GOOD + "\r\nConnection: keep-alive, X-Secret-Hop\r\nX-Secret-Hop: 1\r\n"
          + "Keep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: Basic eA==\r\nX-Kept: yes\r\n\r\n").read();

      assertThat(response.status()).isEqualTo(200);
      JsonObject headers = new JsonObject(response.body()).getJsonObject("headers");
      assertThat(headers.fieldNames()).doesNotContain("x-secret-hop", "keep-alive", "te", "proxy-authorization")
          .contains("x-kept");
      assertThat(headers.getJsonArray("host").getString(0)).as("the upstream's own name")
          .isEqualTo("127.0.0.1:" + gateway.demoPort);
    }
  }

  @Test
  void bodiesKeepTheirFramingAndTheConnectionIsReused() {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      RawConnection.Response sized = connection.send("POST /api/v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + GOOD + "\r\nContent-Length: 5\r\n\r\nhello").read();
      RawConnection.Response chunked = connection.send("PUT /api/v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + GOOD + "\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n")
          .read();

      assertThat(new JsonObject(sized.body()).getInteger("bodyLength")).isEqualTo(5);
      assertThat(new JsonObject(chunked.body()).getInteger("bodyLength")).isEqualTo(7);
      assertThat(connection.closedByServer()).isFalse();
    }
  }

  @Test
  void aClientThatExpects100ContinueGetsItFromTheGateway() {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      RawConnection.Response interim = connection.send("POST /api/v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + GOOD + "\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n").read();
      assertThat(interim.status()).isEqualTo(100);

      RawConnection.Response response = connection.send("body").read();

      assertThat(response.status()).isEqualTo(200);
      assertThat(new JsonObject(response.body()).getInteger("bodyLength")).isEqualTo(4);
      assertThat(new JsonObject(response.body()).getJsonObject("headers").fieldNames()).doesNotContain("expect");
    }
  }

  @Test
  void anHttp10ClientGetsALengthInsteadOfChunks() {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      RawConnection.Response response = connection.send("GET /api/v1/roles HTTP/1.0\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + GOOD + "\r\n\r\n").read();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("Transfer-Encoding")).isNull();
      assertThat(response.header("Content-Length")).isEqualTo(String.valueOf(response.body().length()));
      assertThat(new JsonObject(response.body()).getJsonArray("roles")).isNotEmpty();
    }
  }
}
