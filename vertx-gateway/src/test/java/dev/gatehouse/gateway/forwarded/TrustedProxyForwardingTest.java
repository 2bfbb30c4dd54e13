package dev.gatehouse.gateway.forwarded;

import static dev.gatehouse.gateway.testing.GatewayHarness.GOOD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.http.RequestTarget;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.RawHttp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Behind a TLS-terminating proxy at 127.0.0.1 (trusted); 127.0.0.2 plays a client that reached the gateway directly.
 * What the upstream sees is the demo service's echo of the headers it received.
 */
class TrustedProxyForwardingTest {
  private static final String PROXY = "127.0.0.1";
  private static final String STRANGER = "127.0.0.2";
  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new GatewayHarness(null, null, json -> json
        .put("tls", new JsonObject().put("mode", "terminated-by-proxy"))
        .put("trustedProxies", new JsonObject().put("cidrs", new JsonArray().add(PROXY + "/32").add("10.0.0.0/8"))),
        1);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static String send(String from, String extraHeaders) throws Exception {
    return RawHttp.exchange(gateway.port, "GET /api/v1/echo HTTP/1.1\r\nHost: api.example.com\r\nAuthorization: Bearer "
        + GOOD + "\r\n" + extraHeaders + "Connection: close\r\n\r\n", InetAddress.getByName(from));
  }

  private static JsonObject upstreamHeaders(String response) {
    assertThat(RawHttp.status(response)).isEqualTo(200);
    return new JsonObject(RawHttp.body(response)).getJsonObject("headers");
  }

  @Test
  void aStrangersForwardingHeadersAreReplacedByItsOwnAddress() throws Exception {
    String response = send(STRANGER, "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\n"
        + "Forwarded: for=203.0.113.9;proto=https\r\nX-Real-IP: 203.0.113.9\r\n");

    JsonObject headers = upstreamHeaders(response);
    assertThat(headers.getJsonArray("x-forwarded-for")).containsExactly(STRANGER);
    assertThat(headers.getJsonArray("x-forwarded-proto")).containsExactly("http");
    assertThat(headers.containsKey("forwarded")).isFalse();
    assertThat(headers.containsKey("x-real-ip")).isFalse();
    assertThat(response.toLowerCase()).doesNotContain("strict-transport-security");
  }

  @Test
  void theTrustedProxysWordIsBelievedUpToTheFirstUntrustedHop() throws Exception {
    String response = send(PROXY, "X-Forwarded-For: 6.6.6.6, 203.0.113.9\r\nX-Forwarded-For: 10.1.2.3\r\n"
        + "X-Forwarded-Proto: https\r\n");

    JsonObject headers = upstreamHeaders(response);
    assertThat(headers.getJsonArray("x-forwarded-for")).containsExactly("203.0.113.9, 10.1.2.3, " + PROXY);
    assertThat(headers.getJsonArray("x-forwarded-proto")).containsExactly("https");
    assertThat(headers.getJsonArray("x-forwarded-host")).containsExactly("api.example.com");
    // The client reached the proxy over HTTPS, so the answer carries HSTS (the proxy passes it on).
    assertThat(response).containsIgnoringCase("strict-transport-security: max-age=31536000");
  }

  @Test
  void aTrustedProxyThatForwardsNothingIsTheClient() throws Exception {
    JsonObject headers = upstreamHeaders(send(PROXY, ""));

    assertThat(headers.getJsonArray("x-forwarded-for")).containsExactly(PROXY);
    assertThat(headers.getJsonArray("x-forwarded-proto")).containsExactly("http");
  }
}
