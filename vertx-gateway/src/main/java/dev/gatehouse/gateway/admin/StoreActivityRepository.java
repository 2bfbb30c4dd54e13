package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.ActivityDefinition;
import dev.gatehouse.gateway.policy.ActivityNotFoundException;
import dev.gatehouse.gateway.policy.ActivitySnapshot;
import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.ExpectedRevision;
import io.vertx.core.Future;
import java.util.List;

/** The admin API's repository on PostgreSQL. Every write bumps the version, and NOTIFY tells the other gateways. */
public final class StoreActivityRepository implements ActivityRepository {
  private final ActivityStore store;

  public StoreActivityRepository(ActivityStore store) {
    this.store = store;
  }

  @Override
  public Future<List<Activity>> list() {
    return store.loadAll().map(ActivitySnapshot::activities);
  }

  @Override
  public Future<Activity> find(long id) {
    return store.find(id).compose(found -> found.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new ActivityNotFoundException(id))));
  }

  @Override
  public Future<Activity> create(ActivityDefinition definition) {
    return store.create(definition);
  }

  @Override
  public Future<Activity> update(long id, ActivityDefinition definition, ExpectedRevision expected) {
    return store.update(id, definition, expected);
  }

  @Override
  public Future<Void> delete(long id, ExpectedRevision expected) {
    return store.delete(id, expected);
  }

  @Override
  public Future<Activity> linkPermission(long id, String permission, ExpectedRevision expected) {
    return store.linkPermission(id, permission, expected).compose(changed -> find(id));
  }

  @Override
  public Future<Activity> promote(long id, ExpectedRevision expected) {
    return store.promote(id, expected);
  }

  @Override
  public Future<Activity> unlinkPermission(long id, String permission, ExpectedRevision expected) {
    return store.unlinkPermission(id, permission, expected).compose(changed -> find(id));
  }
}
