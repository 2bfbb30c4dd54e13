package dev.gatehouse.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShadowActivitiesTest {
  private static final Activity ENFORCED = new Activity(1, "GET", "/api/v1/roles", "", Set.of("view-roles"), 1,
      null, false);
  private static final Activity SHADOW = new Activity(2, "GET", "/api/v1/users/[^/?#]+", "", Set.of("view-users"), 1,
      "users", true);

  @Test
  void aShadowActivityNeverChangesTheEnforcedDecision() {
    ActivityIndex index = ActivityIndex.build(List.of(ENFORCED, SHADOW), 1);

    assertThat(index.decide("GET", "/api/v1/users/42", Set.of("view-users")).allowed()).isFalse();
    assertThat(index.decide("GET", "/api/v1/roles", Set.of("view-roles")).allowed()).isTrue();
    assertThat(index.matchingActivities("GET", "/api/v1/users/42")).isEmpty();
    assertThat(index.matchingShadowActivities("GET", "/api/v1/users/42")).containsExactly(SHADOW);
    assertThat(index.size()).isEqualTo(2);
  }

  @Test
  void theWouldBeDecisionCountsShadowsAsEnforced() {
    ActivityIndex index = ActivityIndex.build(List.of(ENFORCED, SHADOW), 1);
    Decision enforced = index.decide("GET", "/api/v1/users/42", Set.of("view-users"));

    Decision wouldBe = index.decideWithShadows("GET", "/api/v1/users/42", Set.of("view-users"), enforced);

    assertThat(wouldBe.allowed()).isTrue();
    assertThat(wouldBe.decidingActivity()).isEqualTo(SHADOW);
    assertThat(index.decideWithShadows("GET", "/api/v1/users/42", Set.of("view-roles"),
        index.decide("GET", "/api/v1/users/42", Set.of("view-roles"))).allowed()).isFalse();
  }

  @Test
  void withoutShadowsNothingIsEvaluatedOrCounted() {
    ActivityIndex index = ActivityIndex.build(List.of(ENFORCED), 1);
    List<String> counted = new ArrayList<>();
    ShadowDecisions shadows = new ShadowDecisions((allow, differs) -> counted.add(allow + "/" + differs));

    Decision enforced = index.decide("GET", "/api/v1/roles", Set.of("view-roles"));
    Decision observed = shadows.observe(index, "GET", "/api/v1/roles", Set.of("view-roles"), enforced);

    assertThat(index.hasShadows()).isFalse();
    assertThat(observed).isSameAs(enforced);
    assertThat(counted).isEmpty();
  }

  @Test
  void everyDecisionIsCountedWhileShadowsExistAndDifferencesAreMarked() {
    ActivityIndex index = ActivityIndex.build(List.of(ENFORCED, SHADOW), 1);
    List<String> counted = new ArrayList<>();
    ShadowDecisions shadows = new ShadowDecisions((allow, differs) -> counted.add(allow + "/" + differs));

    observe(shadows, index, "/api/v1/users/42", Set.of("view-users"));  // denied now, a shadow would allow
    observe(shadows, index, "/api/v1/roles", Set.of("view-roles"));     // allowed now and then
    observe(shadows, index, "/api/v1/other", Set.of("view-users"));     // denied now and then

    assertThat(counted).containsExactly("true/true", "true/false", "false/false");
  }

  @Test
  void anInvalidShadowIsSkippedLikeAnyActivity() {
    Activity broken = new Activity(3, "GET", "/x/[", "", Set.of("p"), 1, null, true);
    List<Long> skipped = new ArrayList<>();
    ActivityIndex index = ActivityIndex.buildSkippingInvalid(List.of(ENFORCED, broken), 1,
        (activity, reason) -> skipped.add(activity.id()));

    assertThat(skipped).containsExactly(3L);
    assertThat(index.hasShadows()).isFalse();
  }

  private static void observe(ShadowDecisions shadows, ActivityIndex index, String path, Set<String> permissions) {
    shadows.observe(index, "GET", path, permissions, index.decide("GET", path, permissions));
  }
}
