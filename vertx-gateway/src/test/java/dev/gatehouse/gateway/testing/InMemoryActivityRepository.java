package dev.gatehouse.gateway.testing;

import dev.gatehouse.gateway.admin.ActivityRepository;
import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.ActivityChangedException;
import dev.gatehouse.gateway.policy.ActivityConflictException;
import dev.gatehouse.gateway.policy.ActivityDefinition;
import dev.gatehouse.gateway.policy.ActivityNotFoundException;
import dev.gatehouse.gateway.policy.ExpectedRevision;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** The repository contract without a database, for the admin API's HTTP tests; revisions as PostgreSQL gives them. */
public final class InMemoryActivityRepository implements ActivityRepository {
  private final Map<Long, Activity> activities = new TreeMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong revisions = new AtomicLong(100);

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
    long id = ids.incrementAndGet();
    Activity activity = new Activity(id, draft.method(), draft.urlRegex(), draft.description(), draft.permissions(),
        revisions.incrementAndGet(), draft.service(), draft.shadow());
    activities.put(id, activity);
    return Future.succeededFuture(activity);
  }

  @Override
  public synchronized Future<Activity> update(long id, ActivityDefinition draft, ExpectedRevision expected) {
    Future<Activity> current = current(id, expected);
    if (current.failed()) {
      return current;
    }
    if (duplicate(draft, id)) {
      return Future.failedFuture(new ActivityConflictException(draft.method(), draft.urlRegex()));
    }
    Activity activity = new Activity(id, draft.method(), draft.urlRegex(), draft.description(), draft.permissions(),
        revisions.incrementAndGet(), draft.service(), draft.shadow());
    activities.put(id, activity);
    return Future.succeededFuture(activity);
  }

  @Override
  public synchronized Future<Void> delete(long id, ExpectedRevision expected) {
    Future<Activity> current = current(id, expected);
    if (current.failed()) {
      return current.mapEmpty();
    }
    activities.remove(id);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Activity> linkPermission(long id, String permission, ExpectedRevision expected) {
    return relink(id, permission, true, expected);
  }

  @Override
  public synchronized Future<Activity> promote(long id, ExpectedRevision expected) {
    Future<Activity> current = current(id, expected);
    if (current.failed() || !current.result().shadow()) {
      return current;
    }
    Activity a = current.result();
    Activity promoted = new Activity(id, a.method(), a.urlRegex(), a.description(), a.permissions(),
        revisions.incrementAndGet(), a.service(), false);
    activities.put(id, promoted);
    return Future.succeededFuture(promoted);
  }

  @Override
  public synchronized Future<Activity> unlinkPermission(long id, String permission, ExpectedRevision expected) {
    return relink(id, permission, false, expected);
  }

  private Future<Activity> relink(long id, String permission, boolean link, ExpectedRevision expected) {
    Future<Activity> current = current(id, expected);
    if (current.failed()) {
      return current;
    }
    Activity activity = current.result();
    Set<String> permissions = new HashSet<>(activity.permissions());
    boolean changed = link ? permissions.add(permission) : permissions.remove(permission);
    if (!changed) {
      return Future.succeededFuture(activity);
    }
    Activity relinked = new Activity(id, activity.method(), activity.urlRegex(), activity.description(), permissions,
        revisions.incrementAndGet(), activity.service(), activity.shadow());
    activities.put(id, relinked);
    return Future.succeededFuture(relinked);
  }

  private Future<Activity> current(long id, ExpectedRevision expected) {
    Activity activity = activities.get(id);
    if (activity == null) {
      return Future.failedFuture(new ActivityNotFoundException(id));
    }
    return expected.accepts(activity.revision()) ? Future.succeededFuture(activity)
        : Future.failedFuture(new ActivityChangedException(id, activity.revision()));
  }

  private boolean duplicate(ActivityDefinition draft, long exceptId) {
    return activities.values().stream().anyMatch(a -> a.id() != exceptId && a.method().equals(draft.method())
        && a.urlRegex().equals(draft.urlRegex()));
  }
}
