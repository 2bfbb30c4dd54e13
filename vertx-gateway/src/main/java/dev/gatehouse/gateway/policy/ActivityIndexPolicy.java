package dev.gatehouse.gateway.policy;

import java.util.Collection;
import java.util.function.Supplier;

/** {@link AccessPolicy} over whatever index is current; the supplier returns null until the first load. */
public final class ActivityIndexPolicy implements AccessPolicy {
  private final Supplier<ActivityIndex> current;
  private final ShadowDecisions shadows;

  public ActivityIndexPolicy(Supplier<ActivityIndex> current) {
    this(current, new ShadowDecisions(ShadowDecisions.Counter.NONE));
  }

  public ActivityIndexPolicy(Supplier<ActivityIndex> current, ShadowDecisions shadows) {
    this.current = current;
    this.shadows = shadows;
  }

  @Override
  public Decision shadowDecision(String method, String normalizedPath, Collection<String> permissions,
      Decision enforced) {
    ActivityIndex index = current.get();
    return index == null || !index.hasShadows() ? null
        : index.decideWithShadows(method, normalizedPath, permissions, enforced);
  }

  @Override
  public void observeShadows(String method, String normalizedPath, Collection<String> permissions,
      Decision enforced) {
    shadows.observe(current.get(), method, normalizedPath, permissions, enforced);
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
