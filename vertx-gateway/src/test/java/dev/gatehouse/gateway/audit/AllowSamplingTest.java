package dev.gatehouse.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/** With allows sampled at 0, allowed requests leave no record, but denials and errors after an allow still do. */
class AllowSamplingTest {
  @Test
  void unsampledAllowsAreSkippedButDenialsAndErrorsAreKept() throws Exception {
    try (RecordedLines lines = new RecordedLines(1024);
        GatewayHarness gateway = GatewayHarness.observed(json -> { }, RevocationGuard.alwaysFresh(),
            new RequestAudit(lines.recorder, 0.0), GatewayTracing.off())) {
      for (int i = 0; i < 20; i++) {
        assertThat(gateway.send(HttpRequest.newBuilder(gateway.uri("/api/v1/users"))
            .header("Authorization", "Bearer " + GatewayHarness.GOOD).header("X-Request-Id", "allowed-" + i))
            .statusCode()).isEqualTo(200);
      }
      assertThat(gateway.send(HttpRequest.newBuilder(gateway.uri("/down/x"))
          .header("Authorization", "Bearer " + GatewayHarness.GOOD).header("X-Request-Id", "error"))
          .statusCode()).isEqualTo(502);
      assertThat(gateway.send(HttpRequest.newBuilder(gateway.uri("/api/v1/users"))
          .header("Authorization", "Bearer " + GatewayHarness.READER).header("X-Request-Id", "denied"))
          .statusCode()).isEqualTo(403);
      lines.awaitRequest("denied");
      JsonNode error = lines.awaitRequest("error");
      assertThat(error.path("decision").asText()).isEqualTo("allowed");
      assertThat(error.path("status").asInt()).isEqualTo(502);
      assertThat(lines.records()).extracting(r -> r.path("request_id").asText()).containsExactly("error", "denied");
    }
  }
}
