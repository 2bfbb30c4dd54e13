package dev.gatehouse.gateway.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What syncing a service's activities to a wanted list would do. Pure: no I/O. Inside a service an activity is
 * identified by (method, urlRegex); a wanted activity with the same key and the same description, permissions and
 * shadow flag is unchanged, so syncing the same list twice plans nothing the second time.
 */
public record ActivitySyncPlan(List<ActivityDefinition> added, List<Change> changed, List<Activity> removed,
    List<Activity> unchanged) {

  /** An activity that stays (same key) with other fields: {@code fields} names them. */
  public record Change(Activity before, ActivityDefinition after, List<String> fields) {}

  /** The identity of an activity inside a service. */
  public record Key(String method, String urlRegex) {
    static Key of(Activity activity) {
      return new Key(activity.method(), activity.urlRegex());
    }

    static Key of(ActivityDefinition definition) {
      return new Key(definition.method(), definition.urlRegex());
    }
  }

  public ActivitySyncPlan {
    added = List.copyOf(added);
    changed = List.copyOf(changed);
    removed = List.copyOf(removed);
    unchanged = List.copyOf(unchanged);
  }

  /**
   * {@code wanted}: the service's activities as they should be (each key once; throws InvalidActivityException
   * otherwise); {@code current}: the activities the service has now.
   */
  public static ActivitySyncPlan of(List<ActivityDefinition> wanted, List<Activity> current) {
    Map<Key, ActivityDefinition> byKey = new LinkedHashMap<>();
    for (ActivityDefinition definition : wanted) {
      if (byKey.put(Key.of(definition), definition) != null) {
        throw new InvalidActivityException("The list has " + definition.method() + " " + definition.urlRegex()
            + " more than once; list each method and regex once.");
      }
    }
    Map<Key, Activity> existing = new HashMap<>();
    current.forEach(activity -> existing.put(Key.of(activity), activity));
    List<ActivityDefinition> added = new ArrayList<>();
    List<Change> changed = new ArrayList<>();
    List<Activity> unchanged = new ArrayList<>();
    byKey.forEach((key, definition) -> {
      Activity before = existing.get(key);
      if (before == null) {
        added.add(definition);
        return;
      }
      List<String> fields = new ArrayList<>();
      if (!Objects.equals(before.description(), definition.description())) {
        fields.add("description");
      }
      if (!before.permissions().equals(definition.permissions())) {
        fields.add("permissions");
      }
      if (before.shadow() != definition.shadow()) {
        fields.add("shadow");
      }
      if (fields.isEmpty()) {
        unchanged.add(before);
      } else {
        changed.add(new Change(before, definition, List.copyOf(fields)));
      }
    });
    List<Activity> removed = current.stream().filter(activity -> !byKey.containsKey(Key.of(activity))).toList();
    return new ActivitySyncPlan(added, changed, removed, unchanged);
  }

  /** True when applying the plan (with removals when {@code prune}) would change nothing. */
  public boolean isEmpty(boolean prune) {
    return added.isEmpty() && changed.isEmpty() && (!prune || removed.isEmpty());
  }
}
