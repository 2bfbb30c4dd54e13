package dev.gatehouse.gateway.policy;

import java.time.Instant;

/**
 * The index every request is decided with. Null until the first successful load: callers must then fail closed
 * (503). Swapped whole, so a request sees one consistent index from start to end.
 */
public final class ActivityIndexHolder {
  private volatile ActivityIndex current;
  private volatile Instant loadedAt;

  /** The current index, or null when none was ever loaded. */
  public ActivityIndex current() {
    return current;
  }

  public boolean isLoaded() {
    return current != null;
  }

  public void swap(ActivityIndex index) {
    loadedAt = Instant.now();
    current = index;
  }

  /** For metrics: the version of the index in use, or -1 when none is loaded. */
  public long version() {
    ActivityIndex index = current;
    return index == null ? -1 : index.version();
  }

  /** For metrics: activities in the index in use, 0 when none is loaded. */
  public int size() {
    ActivityIndex index = current;
    return index == null ? 0 : index.size();
  }

  /** When the index in use was swapped in, or null. */
  public Instant loadedAt() {
    return loadedAt;
  }
}
