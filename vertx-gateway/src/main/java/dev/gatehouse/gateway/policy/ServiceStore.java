package dev.gatehouse.gateway.policy;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Services in PostgreSQL, next to the activities. Every write is validated with {@link ServiceRules} first; the
 * triggers bump the activity index version, so every gateway reloads its routes with its activities.
 */
public final class ServiceStore {
  static final String SELECT_SERVICES = "SELECT name, route_prefix, upstreams, timeout_ms, health_check_path,"
      + " health_check_interval_ms, description, revision FROM services";
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String FOREIGN_KEY_VIOLATION = "23503";

  private final Pool pool;

  public ServiceStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Service>> list() {
    return pool.query(SELECT_SERVICES + " ORDER BY name").execute().map(rows -> {
      List<Service> services = new ArrayList<>(rows.size());
      rows.forEach(row -> services.add(toService(row)));
      return services;
    });
  }

  public Future<Optional<Service>> find(String name) {
    return find(pool, name);
  }

  static Future<Optional<Service>> find(SqlClient client, String name) {
    return client.preparedQuery(SELECT_SERVICES + " WHERE name = $1").execute(Tuple.of(name))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toService(rows.iterator().next())));
  }

  public Future<Service> create(Service service) {
    return validated(service).compose(valid -> pool.preparedQuery("INSERT INTO services (name, route_prefix,"
            + " upstreams, timeout_ms, health_check_path, health_check_interval_ms, description)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING revision")
        .execute(values(service))
        .map(rows -> service.withRevision(rows.iterator().next().getLong(0))))
        .recover(translate(service));
  }

  /** Replaces the service whole (its name stays), only when it is at an {@code expected} revision. */
  public Future<Service> update(String name, Service service, ExpectedRevision expected) {
    if (!name.equals(service.name())) {
      return Future.failedFuture(new InvalidServiceException("A service cannot be renamed: the name in the body ("
          + service.name() + ") is not the one in the path (" + name + ")."));
    }
    return validated(service).compose(valid -> pool.withTransaction(connection -> lock(connection, name, expected)
        .compose(locked -> connection.preparedQuery("UPDATE services SET route_prefix = $2, upstreams = $3,"
                + " timeout_ms = $4, health_check_path = $5, health_check_interval_ms = $6, description = $7"
                + " WHERE name = $1 RETURNING revision")
            .execute(values(service)))
        .map(rows -> service.withRevision(rows.iterator().next().getLong(0)))))
        .recover(translate(service));
  }

  /** Deletes the service; refused while activities belong to it (they would be left without their route). */
  public Future<Void> delete(String name, ExpectedRevision expected) {
    return pool.withTransaction(connection -> lock(connection, name, expected)
        .compose(locked -> connection.preparedQuery("SELECT count(*) FROM activities WHERE service = $1")
            .execute(Tuple.of(name)))
        .compose(rows -> {
          long linked = rows.iterator().next().getLong(0);
          if (linked > 0) {
            return Future.failedFuture(new ServiceConflictException("Service '" + name + "' still has " + linked
                + " activit" + (linked == 1 ? "y" : "ies") + "; nothing was deleted. Delete them first (list them"
                + " with GET /gatehouse/admin/services/" + name + "/activities), or sync an empty list with"
                + " \"prune\": true."));
          }
          return connection.preparedQuery("DELETE FROM services WHERE name = $1").execute(Tuple.of(name));
        })
        .<Void>mapEmpty())
        .recover(failure -> failure instanceof PgException pg && FOREIGN_KEY_VIOLATION.equals(pg.getSqlState())
            ? Future.failedFuture(new ServiceConflictException("Service '" + name + "' gained activities while it"
                + " was being deleted; nothing was deleted."))
            : Future.failedFuture(failure));
  }

  /** Locks the service's row for the rest of the transaction and checks its revision. */
  static Future<Service> lock(SqlClient client, String name, ExpectedRevision expected) {
    return client.preparedQuery(SELECT_SERVICES + " WHERE name = $1 FOR UPDATE").execute(Tuple.of(name))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new ServiceNotFoundException(name));
          }
          Service service = toService(rows.iterator().next());
          return expected.accepts(service.revision()) ? Future.succeededFuture(service)
              : Future.failedFuture(new ServiceChangedException(name, service.revision()));
        });
  }

  /** The INSERT/UPDATE parameters $1..$7 (name, prefix, upstreams, timeout, health path and interval, text). */
  static Tuple values(Service service) {
    Service.HealthCheck check = service.healthCheck();
    return Tuple.tuple()
        .addString(service.name())
        .addString(service.routePrefix())
        .addArrayOfString(service.upstreams().stream().map(URI::toString).toArray(String[]::new))
        .addLong(service.timeoutMillis())
        .addString(check == null ? null : check.path())
        .addLong(check == null ? null : check.intervalMillis())
        .addString(service.description());
  }

  /** Lenient: a row written by hand with a bad URL loads with {@code upstreams} null, and loading then skips it. */
  static Service toService(Row row) {
    List<URI> upstreams = new ArrayList<>();
    for (String text : row.getArrayOfStrings("upstreams")) {
      try {
        upstreams.add(new URI(text));
      } catch (URISyntaxException e) {
        upstreams = null;
        break;
      }
    }
    String checkPath = row.getString("health_check_path");
    Long checkInterval = row.getLong("health_check_interval_ms");
    Service.HealthCheck check = checkPath == null || checkInterval == null ? null
        : new Service.HealthCheck(checkPath, checkInterval);
    return new Service(row.getString("name"), row.getString("route_prefix"), upstreams, row.getLong("timeout_ms"),
        check, row.getString("description"), row.getLong("revision"));
  }

  private static Future<Void> validated(Service service) {
    try {
      ServiceRules.validate(service);
      return Future.succeededFuture();
    } catch (InvalidServiceException e) {
      return Future.failedFuture(e);
    }
  }

  private static <T> Function<Throwable, Future<T>> translate(Service service) {
    return failure -> {
      if (failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
        boolean prefix = pg.getConstraint() != null && pg.getConstraint().contains("route_prefix");
        return Future.failedFuture(new ServiceConflictException(prefix
            ? "Another service already has the route prefix " + service.routePrefix() + "; nothing was stored."
                + " Choose another prefix, or change that service."
            : "A service named '" + service.name() + "' exists already; nothing was stored. Change it with PUT"
                + " /gatehouse/admin/services/" + service.name() + "."));
      }
      return Future.failedFuture(failure);
    };
  }
}
