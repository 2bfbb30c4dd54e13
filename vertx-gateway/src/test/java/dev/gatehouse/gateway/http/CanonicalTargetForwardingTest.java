package dev.gatehouse.gateway.http;

import static dev.gatehouse.gateway.testing.GatewayHarness.GOOD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.RawHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The production parser end to end: what reaches the upstream, and what never does. */
class CanonicalTargetForwardingTest {
  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new GatewayHarness(null);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static String get(String target) throws Exception {
    return RawHttp.exchange(gateway.port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + GOOD + "\r\nConnection: close\r\n\r\n");
  }

  @Test
  void theUpstreamReceivesTheCanonicalPathAndTheRawQuery() throws Exception {
    String response = get("/api//v1/./x/../%65cho?q=a%20b");

    assertThat(RawHttp.status(response)).isEqualTo(200);
    assertThat(new JsonObject(RawHttp.body(response)).getString("path")).isEqualTo("/api/v1/echo");
    assertThat(new JsonObject(RawHttp.body(response)).getString("query")).isEqualTo("q=a%20b");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/v1/users/1%2F..%2F..%2Fadmin", "/api/v1/users/..;/x", "/api/v1/%00",
      "http://evil.example/api/v1/echo", "/api/v1/%C0%AE%C0%AE/echo", "/api/v1/users%5C1"})
  void ambiguousTargetsNeverReachTheUpstream(String target) throws Exception {
    assertThat(RawHttp.status(get(target))).isEqualTo(400);
  }
}
