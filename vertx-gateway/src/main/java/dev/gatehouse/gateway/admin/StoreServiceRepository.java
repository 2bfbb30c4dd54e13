package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.ActivityDefinition;
import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.ExpectedRevision;
import dev.gatehouse.gateway.policy.Service;
import dev.gatehouse.gateway.policy.ServiceNotFoundException;
import dev.gatehouse.gateway.policy.ServiceStore;
import io.vertx.core.Future;
import java.util.List;

/** The admin API's services on PostgreSQL. */
public final class StoreServiceRepository implements ServiceRepository {
  private final ServiceStore services;
  private final ActivityStore activities;

  public StoreServiceRepository(ServiceStore services, ActivityStore activities) {
    this.services = services;
    this.activities = activities;
  }

  @Override
  public Future<List<Service>> list() {
    return services.list();
  }

  @Override
  public Future<Service> find(String name) {
    return services.find(name).compose(found -> found.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new ServiceNotFoundException(name))));
  }

  @Override
  public Future<Service> create(Service service) {
    return services.create(service);
  }

  @Override
  public Future<Service> update(String name, Service service, ExpectedRevision expected) {
    return services.update(name, service, expected);
  }

  @Override
  public Future<Void> delete(String name, ExpectedRevision expected) {
    return services.delete(name, expected);
  }

  @Override
  public Future<List<Activity>> activities(String name) {
    return activities.listByService(name);
  }

  @Override
  public Future<ActivityStore.SyncOutcome> sync(String name, List<ActivityDefinition> wanted, boolean prune,
      boolean dryRun) {
    return activities.sync(name, wanted, prune, dryRun);
  }
}
