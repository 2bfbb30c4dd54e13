package dev.gatehouse.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActivitySyncPlanTest {
  private static ActivityDefinition wanted(String method, String regex, String description, String... permissions) {
    return new ActivityDefinition(method, regex, description, Set.of(permissions), "billing", false);
  }

  private static Activity stored(long id, String method, String regex, String description, String... permissions) {
    return new Activity(id, method, regex, description, Set.of(permissions), id, "billing", false);
  }

  @Test
  void plansAddedChangedRemovedAndUnchangedByMethodAndRegex() {
    List<Activity> current = List.of(
        stored(1, "GET", "/billing/invoices", "list", "view-invoices"),
        stored(2, "POST", "/billing/invoices", "create", "edit-invoices"),
        stored(3, "DELETE", "/billing/invoices/[^/?#]+", "delete", "edit-invoices"));
    List<ActivityDefinition> wanted = List.of(
        wanted("GET", "/billing/invoices", "list", "view-invoices"),
        wanted("POST", "/billing/invoices", "create", "edit-invoices", "admin"),
        wanted("GET", "/billing/invoices/[^/?#]+", "one", "view-invoices"));

    ActivitySyncPlan plan = ActivitySyncPlan.of(wanted, current);

    assertThat(plan.unchanged()).extracting(Activity::id).containsExactly(1L);
    assertThat(plan.changed()).singleElement().satisfies(change -> {
      assertThat(change.before().id()).isEqualTo(2);
      assertThat(change.fields()).containsExactly("permissions");
    });
    assertThat(plan.added()).extracting(ActivityDefinition::urlRegex).containsExactly("/billing/invoices/[^/?#]+");
    assertThat(plan.removed()).extracting(Activity::id).containsExactly(3L);
    assertThat(plan.isEmpty(false)).isFalse();
  }

  @Test
  void theSameListAgainPlansNothing() {
    List<Activity> current = List.of(stored(1, "GET", "/billing/invoices", "list", "view-invoices"));

    ActivitySyncPlan plan = ActivitySyncPlan.of(List.of(wanted("GET", "/billing/invoices", "list", "view-invoices")),
        current);

    assertThat(plan.isEmpty(true)).isTrue();
  }

  @Test
  void removalsCountOnlyWhenPruning() {
    ActivitySyncPlan plan = ActivitySyncPlan.of(List.of(), List.of(stored(1, "GET", "/billing", "", "p")));

    assertThat(plan.isEmpty(false)).isTrue();
    assertThat(plan.isEmpty(true)).isFalse();
  }

  @Test
  void aShadowFlagChangeIsAChange() {
    ActivityDefinition shadow = new ActivityDefinition("GET", "/billing", "", Set.of("p"), "billing", true);

    ActivitySyncPlan plan = ActivitySyncPlan.of(List.of(shadow), List.of(stored(1, "GET", "/billing", "", "p")));

    assertThat(plan.changed()).singleElement().satisfies(change -> assertThat(change.fields())
        .containsExactly("shadow"));
  }

  @Test
  void aKeyListedTwiceIsRefused() {
    assertThatThrownBy(() -> ActivitySyncPlan.of(List.of(wanted("GET", "/billing", "a"), wanted("GET", "/billing",
        "b")), List.of())).isInstanceOf(InvalidActivityException.class).hasMessageContaining("more than once");
  }
}
