package dev.gatehouse.gateway.policy;

import java.util.Collection;

/**
 * Immutable, in-memory index of all activities, built off the event loop and swapped whole. Pure Java: no I/O.
 * CONTRACT STUB: the policy work fills in the implementation; the signatures are what the HTTP layer uses.
 */
public final class ActivityIndex {

  /** Builds an index; every regex must already have passed {@link ActivityPatterns#validate}. */
  public static ActivityIndex build(Collection<Activity> activities, long version) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Allowed when any of {@code permissions} links to an activity whose method equals {@code method}
   * (HEAD is decided as GET) and whose regex matches the whole {@code normalizedPath}.
   */
  public Decision decide(String method, String normalizedPath, Collection<String> permissions) {
    throw new UnsupportedOperationException("TODO");
  }

  public int size() {
    throw new UnsupportedOperationException("TODO");
  }

  public long version() {
    throw new UnsupportedOperationException("TODO");
  }
}
