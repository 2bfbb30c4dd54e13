package dev.gatehouse.gateway.policy;

import java.util.Collection;
import java.util.List;

/** What the HTTP layer asks of the activity policy. Production: {@link ActivityIndexPolicy}. */
public interface AccessPolicy {

  /** Only called when {@link #loaded()} is true. */
  Decision decide(String method, String normalizedPath, Collection<String> permissions);

  /** False until a first index was loaded: protected routes then fail closed with 503. */
  boolean loaded();

  /** Number of activities in the current index (0 when none is loaded). */
  int size();

  /** Version of the current index (-1 when none is loaded). */
  long version();

  /**
   * The decision with shadow activities counted as enforced, given the {@code enforced} one; null when no shadow
   * activity is loaded. Measures nothing: for explaining.
   */
  default Decision shadowDecision(String method, String normalizedPath, Collection<String> permissions,
      Decision enforced) {
    return null;
  }

  /** For real requests: counts and logs what the shadow activities would decide; nothing when there are none. */
  default void observeShadows(String method, String normalizedPath, Collection<String> permissions,
      Decision enforced) {
  }

  /** Every activity of the current index, enforced first, then shadows; empty when none is loaded. For listing. */
  default List<Activity> activities() {
    return List.of();
  }

  /** Every enforced activity whose method and regex match, whoever holds which permission: for explaining. */
  default List<Activity> matchingActivities(String method, String normalizedPath) {
    return List.of();
  }
}
