package dev.gatehouse.gateway.policy;

import java.util.Collection;
import java.util.function.Supplier;

/** {@link AccessPolicy} over whatever index is current; the supplier returns null until the first load. */
public final class ActivityIndexPolicy implements AccessPolicy {
  private final Supplier<ActivityIndex> current;

  public ActivityIndexPolicy(Supplier<ActivityIndex> current) {
    this.current = current;
  }

  @Override
  public Decision decide(String method, String normalizedPath, Collection<String> permissions) {
    ActivityIndex index = current.get();
    return index == null ? Decision.DENIED : index.decide(method, normalizedPath, permissions);
  }

  @Override
  public boolean loaded() {
    return current.get() != null;
  }

  @Override
  public int size() {
    ActivityIndex index = current.get();
    return index == null ? 0 : index.size();
  }

  @Override
  public long version() {
    ActivityIndex index = current.get();
    return index == null ? -1 : index.version();
  }
}
