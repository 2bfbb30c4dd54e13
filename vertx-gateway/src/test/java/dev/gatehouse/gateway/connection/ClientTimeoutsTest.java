package dev.gatehouse.gateway.connection;

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
 * Slow and idle clients against a gateway whose head and idle timeouts are 1 s. Each test waits for the outcome
 * (bounded), never for a fixed time; a gateway without the timeouts leaves the connections open and the tests fail.
 */
class ClientTimeoutsTest {
  private static final String GET_ROLES = "GET /api/v1/roles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
      + GOOD + "\r\n\r\n";

  private static ScriptedUpstream upstream;
  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    upstream = new ScriptedUpstream();
    gateway = GatewayHarness.withConfig(json -> {
      json.getJsonObject("listen").put("requestHeadTimeoutSeconds", 1).put("idleTimeoutSeconds", 1);
      json.getJsonArray("routes").add(new JsonObject().put("prefix", "/late").put("upstream", upstream.baseUrl())
          .put("timeoutMillis", 10_000));
    });
    gateway.policy.allow("GET", "/late/.*", "use-everything");
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    upstream.close();
  }

  @Test
  void aHeadThatStopsHalfwayGets408AndTheConnectionCloses() {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      connection.send("GET /api/v1/roles HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");

      var responses = connection.readUntilClosed();

      assertThat(responses).hasSize(1);
      assertThat(responses.get(0).status()).isEqualTo(408);
      assertThat(responses.get(0).header("Connection")).isEqualToIgnoringCase("close");
      assertThat(new JsonObject(responses.get(0).body()).getString("error")).isEqualTo("request_timeout");
    }
  }

  /** The slowloris pattern of the issue: a byte now and then never completes the head, and never resets the clock. */
  @Test
  void aHeadSentOneByteAtATimeIsCutOff() throws Exception {
    String head = "GET /api/v1/roles HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "p".repeat(200);
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      int sent = 0;
      // Pacing is the behaviour under test (a slow client), not synchronisation: the loop ends when the gateway
      // answers or the whole head minus its end was sent. (Writing after the answer could reset it away.)
      while (sent < head.length() && !connection.hasUnreadBytes()
          && connection.trySend(head.substring(sent, sent + 1))) {
        sent++;
        Thread.sleep(100);
      }

      var responses = connection.readUntilClosed();

      assertThat(sent).as("the gateway cut the client off before the head was complete").isLessThan(head.length());
      assertThat(responses).extracting(RawConnection.Response::status).containsExactly(408);
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosed() {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      connection.awaitClosedWithoutAnswer();
    }
  }

  @Test
  void aKeepAliveConnectionIsClosedOnceIdleAfterItsRequest() {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      RawConnection.Response response = connection.send(GET_ROLES).read();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("Connection")).isNull();

      connection.awaitClosedWithoutAnswer();
    }
  }

  /** The idle timeout is about connections without a request: a slow upstream is the route timeout's business. */
  @Test
  void aRequestWaitingOnAnUpstreamLongerThanTheIdleTimeoutIsNotCut() {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      RawConnection.Response response = connection.send("GET /late/2500 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + GOOD + "\r\n\r\n").read();

      assertThat(response.status()).as(response.toString()).isEqualTo(200);
      assertThat(new JsonObject(response.body()).getLong("late")).isEqualTo(2500);
    }
  }
}
