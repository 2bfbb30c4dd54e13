package dev.gatehouse.gateway.http;

import static dev.gatehouse.gateway.testing.GatewayHarness.READER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.ActivityIndex;
import dev.gatehouse.gateway.policy.ActivityIndexPolicy;
import dev.gatehouse.gateway.policy.Decision;
import dev.gatehouse.gateway.policy.ShadowDecisions;
import dev.gatehouse.gateway.testing.GatewayHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShadowObservationTest {
  @Test
  void theGateHandsEveryDecidedRequestToTheShadowMeasurement() throws Exception {
    try (GatewayHarness gateway = new GatewayHarness(null)) {
      gateway.get("/api/v1/roles", READER);
      gateway.get("/api/v1/users", READER);
      gateway.get("/api/v1/roles", null);

      assertThat(gateway.policy.observedShadows).containsExactly("GET /api/v1/roles true",
          "GET /api/v1/users false");
    }
  }

  @Test
  void theIndexPolicyCountsAndExplainsShadowsOnlyWhenThereAreSome() {
    Activity shadow = new Activity(5, "GET", "/api/v1/users", "", Set.of("view-users"), 1, null, true);
    List<String> counted = new ArrayList<>();
    ShadowDecisions shadows = new ShadowDecisions((allow, differs) -> counted.add(allow + "/" + differs));
    ActivityIndexPolicy withShadow = new ActivityIndexPolicy(() -> ActivityIndex.build(List.of(shadow), 1), shadows);
    ActivityIndexPolicy without = new ActivityIndexPolicy(() -> ActivityIndex.build(List.of(), 1), shadows);

    Decision enforced = withShadow.decide("GET", "/api/v1/users", Set.of("view-users"));
    withShadow.observeShadows("GET", "/api/v1/users", Set.of("view-users"), enforced);
    without.observeShadows("GET", "/api/v1/users", Set.of("view-users"), Decision.DENIED);

    assertThat(enforced.allowed()).isFalse();
    assertThat(withShadow.shadowDecision("GET", "/api/v1/users", Set.of("view-users"), enforced).allowed()).isTrue();
    assertThat(without.shadowDecision("GET", "/api/v1/users", Set.of("view-users"), Decision.DENIED)).isNull();
    assertThat(counted).containsExactly("true/true");
  }
}
