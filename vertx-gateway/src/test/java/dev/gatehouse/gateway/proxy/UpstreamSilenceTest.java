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

/** The route timeout (1 s here) counts silence in both directions, from the request's first byte to the response's last. */
class UpstreamSilenceTest {
  private static ScriptedUpstream upstream;
  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    upstream = new ScriptedUpstream();
    gateway = GatewayHarness.withConfig(json -> {
      // A 1 s head timeout as well: a body arriving slowly after its head must not trip it either.
      json.getJsonObject("listen").put("requestHeadTimeoutSeconds", 1).put("idleTimeoutSeconds", 1);
      for (String prefix : new String[] {"/upload", "/stall", "/late"}) {
        json.getJsonArray("routes").add(new JsonObject().put("prefix", prefix).put("upstream", upstream.baseUrl())
            .put("timeoutMillis", 1000));
      }
    });
    gateway.policy.allow("POST", "/upload/.*", "use-everything").allow("GET", "/(stall|late)/.*", "use-everything");
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    upstream.close();
  }

  @Test
  void anUploadSlowerThanTheTimeoutButSteadilyFlowingSucceeds() throws Exception {
    int chunks = 14;
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      connection.send("POST /upload/file HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GOOD
          + "\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < chunks; i++) {
        // The client's pace is the scenario: 14 x 150 ms is longer than the 1 s timeout, each gap far shorter.
        Thread.sleep(150);
        connection.send("400\r\n" + "u".repeat(1024) + "\r\n");
      }
      connection.send("0\r\n\r\n");

      RawConnection.Response response = connection.read();

      assertThat(response.status()).as(response.toString()).isEqualTo(200);
      assertThat(new JsonObject(response.body()).getLong("bytes")).isEqualTo(chunks * 1024L);
    }
  }

  @Test
  void anUpstreamThatNeverAnswersStillGets504() {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      RawConnection.Response response = connection.send("GET /late/60000 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + GOOD + "\r\n\r\n").read();

      assertThat(response.status()).isEqualTo(504);
      assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("gateway_timeout");
    }
  }

  /** Vert.x's own idle timeout stops at the response head; a stalled body would hold the client forever. */
  @Test
  void anUpstreamThatFallsSilentInTheMiddleOfItsBodyIsCut() {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      connection.send("GET /stall/x HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GOOD + "\r\n\r\n");

      String received = connection.rawUntilClosed();

      assertThat(received).startsWith("HTTP/1.1 200").contains("first part, then silence")
          .as("the body was cut, not completed").doesNotEndWith("0\r\n\r\n");
    }
  }
}
