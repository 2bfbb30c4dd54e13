package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.ActivityDefinition;
import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.ExpectedRevision;
import dev.gatehouse.gateway.policy.Service;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where the admin API reads and writes services (PostgreSQL in production; every write reaches the other gateways
 * through the activity change channel). Failures: {@code ServiceNotFoundException}, {@code ServiceConflictException}
 * (name or prefix taken, activities still linked), {@code ServiceChangedException} (not at the expected revision),
 * {@code InvalidServiceException}.
 */
public interface ServiceRepository {
  Future<List<Service>> list();

  Future<Service> find(String name);

  Future<Service> create(Service service);

  Future<Service> update(String name, Service service, ExpectedRevision expected);

  Future<Void> delete(String name, ExpectedRevision expected);

  /** The activities that belong to the service. */
  Future<List<Activity>> activities(String name);

  /** Plans (and unless {@code dryRun} applies, in one transaction) the service's activities as {@code wanted}. */
  Future<ActivityStore.SyncOutcome> sync(String name, List<ActivityDefinition> wanted, boolean prune, boolean dryRun);
}
