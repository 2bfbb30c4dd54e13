package dev.gatehouse.gateway.policy;

import java.util.Collection;

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
}
