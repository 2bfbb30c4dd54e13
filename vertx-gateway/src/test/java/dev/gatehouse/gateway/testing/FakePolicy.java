package dev.gatehouse.gateway.testing;

import dev.gatehouse.gateway.policy.AccessPolicy;
import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.Decision;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A linear scan over activities with whole-path matching: the semantics of the real index, none of its speed. */
public final class FakePolicy implements AccessPolicy {
  private final List<Activity> activities = new CopyOnWriteArrayList<>();
  private volatile boolean loaded = true;
  /** "METHOD path allowed" for each real request the gate asked to measure against shadow activities. */
  public final List<String> observedShadows = new CopyOnWriteArrayList<>();

  /** Shadow activities: measured by {@link #shadowDecision}, never enforced. */
  private final List<Activity> shadows = new CopyOnWriteArrayList<>();

  public FakePolicy shadow(String method, String regex, String permission) {
    shadows.add(new Activity(100 + shadows.size(), method, regex, "", java.util.Set.of(permission)));
    return this;
  }

  public void clearShadows() {
    shadows.clear();
  }

  /** Null without shadows; else the decision with the shadows counted as enforced (as the real index does). */
  @Override
  public Decision shadowDecision(String method, String normalizedPath, Collection<String> permissions,
      Decision enforced) {
    if (shadows.isEmpty()) {
      return null;
    }
    if (enforced.allowed()) {
      return enforced;
    }
    String decided = method.equals("HEAD") ? "GET" : method;
    for (Activity activity : shadows) {
      if (activity.method().equals(decided) && normalizedPath.matches(activity.urlRegex())
          && permissions.stream().anyMatch(activity.permissions()::contains)) {
        return Decision.allowedBy(activity);
      }
    }
    return Decision.DENIED;
  }

  public FakePolicy allow(String method, String regex, String permission) {
    activities.add(new Activity(activities.size() + 1, method, regex, "", java.util.Set.of(permission)));
    return this;
  }

  public void loaded(boolean loaded) {
    this.loaded = loaded;
  }

  @Override
  public Decision decide(String method, String normalizedPath, Collection<String> permissions) {
    String decided = method.equals("HEAD") ? "GET" : method;
    for (Activity activity : activities) {
      if (activity.method().equals(decided) && normalizedPath.matches(activity.urlRegex())
          && permissions.stream().anyMatch(activity.permissions()::contains)) {
        return Decision.allowedBy(activity);
      }
    }
    return Decision.DENIED;
  }

  @Override
  public void observeShadows(String method, String normalizedPath, Collection<String> permissions,
      Decision enforced) {
    observedShadows.add(method + " " + normalizedPath + " " + enforced.allowed());
  }

  @Override
  public boolean loaded() {
    return loaded;
  }

  @Override
  public int size() {
    return activities.size();
  }

  @Override
  public long version() {
    return loaded ? 7 : -1;
  }

  @Override
  public List<Activity> activities() {
    return List.copyOf(activities);
  }

  @Override
  public List<Activity> matchingActivities(String method, String normalizedPath) {
    String decided = method.equals("HEAD") ? "GET" : method;
    return activities.stream()
        .filter(activity -> activity.method().equals(decided) && normalizedPath.matches(activity.urlRegex())).toList();
  }
}
