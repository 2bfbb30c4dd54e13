package dev.gatehouse.gateway.testing;

import dev.gatehouse.gateway.policy.ActivityDefinition;
import dev.gatehouse.gateway.policy.ActivityNotFoundException;
import dev.gatehouse.gateway.admin.ActivityRepository;
import dev.gatehouse.gateway.policy.ActivityConflictException;
import dev.gatehouse.gateway.policy.Activity;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** The repository contract without a database, for the admin API's HTTP tests. */
public final class InMemoryActivityRepository implements ActivityRepository {
  private final Map<Long, Activity> activities = new TreeMap<>();
  private final AtomicLong ids = new AtomicLong();

  @Override
  public synchronized Future<List<Activity>> list() {
    return Future.succeededFuture(List.copyOf(activities.values()));
  }

  @Override
  public synchronized Future<Activity> find(long id) {
    Activity activity = activities.get(id);
    return activity == null ? Future.failedFuture(new ActivityNotFoundException(id)) : Future.succeededFuture(activity);
  }

  @Override
  public synchronized Future<Activity> create(ActivityDefinition draft) {
    if (duplicate(draft, -1)) {
      return Future.failedFuture(new ActivityConflictException(draft.method(), draft.urlRegex()));
    }
    Activity activity = new Activity(ids.incrementAndGet(), draft.method(), draft.urlRegex(), draft.description(),
        draft.permissions());
    activities.put(activity.id(), activity);
    return Future.succeededFuture(activity);
  }

  @Override
  public synchronized Future<Activity> update(long id, ActivityDefinition draft) {
    if (!activities.containsKey(id)) {
      return Future.failedFuture(new ActivityNotFoundException(id));
    }
    if (duplicate(draft, id)) {
      return Future.failedFuture(new ActivityConflictException(draft.method(), draft.urlRegex()));
    }
    Activity activity = new Activity(id, draft.method(), draft.urlRegex(), draft.description(), draft.permissions());
    activities.put(id, activity);
    return Future.succeededFuture(activity);
  }

  @Override
  public synchronized Future<Void> delete(long id) {
    return activities.remove(id) == null ? Future.failedFuture(new ActivityNotFoundException(id))
        : Future.succeededFuture();
  }

  @Override
  public synchronized Future<Activity> linkPermission(long id, String permission) {
    return relink(id, permission, true);
  }

  @Override
  public synchronized Future<Activity> unlinkPermission(long id, String permission) {
    return relink(id, permission, false);
  }

  private Future<Activity> relink(long id, String permission, boolean link) {
    Activity current = activities.get(id);
    if (current == null) {
      return Future.failedFuture(new ActivityNotFoundException(id));
    }
    Set<String> permissions = new HashSet<>(current.permissions());
    if (link) {
      permissions.add(permission);
    } else {
      permissions.remove(permission);
    }
    Activity updated = new Activity(id, current.method(), current.urlRegex(), current.description(), permissions);
    activities.put(id, updated);
    return Future.succeededFuture(updated);
  }

  private boolean duplicate(ActivityDefinition draft, long exceptId) {
    return activities.values().stream().anyMatch(a -> a.id() != exceptId && a.method().equals(draft.method())
        && a.urlRegex().equals(draft.urlRegex()));
  }
}
