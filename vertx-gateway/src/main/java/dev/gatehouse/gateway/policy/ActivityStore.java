package dev.gatehouse.gateway.policy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activities in PostgreSQL. Every write is validated with {@link ActivityPatterns} first: an invalid activity
 * fails with {@link InvalidActivityException} and nothing is stored. The database triggers bump the index version
 * and notify every gateway, so writers need not do anything else.
 */
public final class ActivityStore {
  private static final Logger LOG = LoggerFactory.getLogger(ActivityStore.class);

  private static final String SELECT_ACTIVITIES = "SELECT a.id, a.method, a.url_regex, a.description, a.revision,"
      + " a.service, a.shadow,"
      + " COALESCE((SELECT array_agg(p.permission ORDER BY p.permission) FROM activity_permissions p"
      + " WHERE p.activity_id = a.id), '{}') AS permissions FROM activities a";
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String FOREIGN_KEY_VIOLATION = "23503";

  private final Pool pool;

  public ActivityStore(Pool pool) {
    this.pool = pool;
  }

  /** A pool configured as the notes advise: prepared statements cached, a deliberate size. */
  public static Pool createPool(Vertx vertx, PgConnectOptions connectOptions, int maxSize) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(maxSize).setName("gatehouse-activities"))
        .connectingTo(new PgConnectOptions(connectOptions).setCachePreparedStatements(true))
        .using(vertx)
        .build();
  }

  /**
   * {@code pool.withTransaction}, with the borrowed connection's errors kept off stderr: without an exception handler
   * the SQL client prints a connection's failure (PostgreSQL shutting down mid-transaction, say) there without time
   * or logger, although the same failure reaches the returned future, where callers log it.
   */
  static <T> Future<T> inTransaction(Pool pool, Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(connection -> {
      connection.exceptionHandler(failure -> LOG.debug("Connection failed in a transaction: {}", failure.toString()));
      return work.apply(connection);
    });
  }

  /**
   * Every activity and service and the version they belong to, read in one repeatable-read transaction and so from
   * one snapshot: routes and activities always load together.
   */
  public Future<ActivitySnapshot> loadAll() {
    return inTransaction(pool, connection -> connection
        .query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY").execute()
        .compose(isolated -> connection.query("SELECT v.version, a.* FROM activity_index_version v LEFT JOIN ("
            + SELECT_ACTIVITIES + ") a ON true ORDER BY a.id").execute())
        .compose(rows -> connection.query(ServiceStore.SELECT_SERVICES + " ORDER BY name").execute().map(services -> {
          long version = 0;
          List<Activity> activities = new ArrayList<>(rows.size());
          for (Row row : rows) {
            version = row.getLong("version");
            if (row.getLong("id") != null) {
              activities.add(toActivity(row));
            }
          }
          List<Service> loaded = new ArrayList<>(services.size());
          services.forEach(row -> loaded.add(ServiceStore.toService(row)));
          return new ActivitySnapshot(activities, loaded, version);
        })));
  }

  /** The activities that belong to {@code service}, by id; fails with ServiceNotFoundException if it does not exist. */
  public Future<List<Activity>> listByService(String service) {
    return ServiceStore.find(pool, service).compose(found -> found.isEmpty()
        ? Future.failedFuture(new ServiceNotFoundException(service))
        : activitiesOf(pool, service));
  }

  private static Future<List<Activity>> activitiesOf(SqlClient client, String service) {
    return client.preparedQuery(SELECT_ACTIVITIES + " WHERE a.service = $1 ORDER BY a.id").execute(Tuple.of(service))
        .map(rows -> {
          List<Activity> activities = new ArrayList<>(rows.size());
          rows.forEach(row -> activities.add(toActivity(row)));
          return activities;
        });
  }

  /** A shadow activity becomes enforced (a no-op for one that is enforced already). */
  public Future<Activity> promote(long id, ExpectedRevision expected) {
    return inTransaction(pool, connection -> lock(connection, id, expected)
        .compose(locked -> connection.preparedQuery("UPDATE activities SET shadow = false WHERE id = $1 AND shadow")
            .execute(Tuple.of(id)))
        .compose(updated -> find(connection, id).map(Optional::orElseThrow)));
  }

  /** What {@link #sync} planned and, when it applied the plan, the service's activities as stored afterwards. */
  public record SyncOutcome(ActivitySyncPlan plan, boolean applied, List<Activity> stored) {}

  /**
   * Brings the activities of {@code service} to {@code wanted} in ONE transaction (nothing when {@code dryRun}):
   * adds the new ones, updates the changed ones, and deletes the ones not wanted only when {@code prune}. Syncs of
   * the same service take turns (the service row is locked). A wanted activity whose method and regex belong to
   * another service or to none is refused with {@link ServiceConflictException}, in a dry run too.
   */
  public Future<SyncOutcome> sync(String service, List<ActivityDefinition> wanted, boolean prune, boolean dryRun) {
    for (ActivityDefinition definition : wanted) {
      try {
        definition.validate();
      } catch (InvalidActivityException | InvalidServiceException e) {
        return Future.failedFuture(new InvalidActivityException(definition.method() + " " + definition.urlRegex()
            + ": " + e.getMessage()));
      }
      if (!service.equals(definition.service())) {
        return Future.failedFuture(new InvalidActivityException("Every synced activity belongs to service '"
            + service + "'."));
      }
    }
    return inTransaction(pool, connection -> ServiceStore.lock(connection, service, ExpectedRevision.ANY)
        .compose(locked -> foreignOwners(connection, service, wanted))
        .compose(foreign -> {
          if (!foreign.isEmpty()) {
            return Future.failedFuture(new ServiceConflictException("These activities exist already outside service '"
                + service + "' (same method and regex): " + String.join("; ", foreign) + ". Nothing was changed."
                + " Move or delete them first, or leave them out of the list."));
          }
          return activitiesOf(connection, service);
        })
        .compose(current -> {
          ActivitySyncPlan plan = ActivitySyncPlan.of(wanted, current);
          if (dryRun || plan.isEmpty(prune)) {
            return Future.succeededFuture(new SyncOutcome(plan, false, current));
          }
          return apply(connection, plan, prune)
              .compose(done -> activitiesOf(connection, service))
              .map(stored -> new SyncOutcome(plan, true, stored));
        }));
  }

  /** "METHOD regex (service x)" for each wanted key already stored outside {@code service}. */
  private static Future<List<String>> foreignOwners(SqlClient client, String service,
      List<ActivityDefinition> wanted) {
    if (wanted.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return client.preparedQuery("SELECT a.id, a.method, a.url_regex, a.service FROM activities a"
            + " JOIN unnest($1::text[], $2::text[]) AS w(method, url_regex) USING (method, url_regex)"
            + " WHERE a.service IS DISTINCT FROM $3 ORDER BY a.id")
        .execute(Tuple.tuple()
            .addArrayOfString(wanted.stream().map(ActivityDefinition::method).toArray(String[]::new))
            .addArrayOfString(wanted.stream().map(ActivityDefinition::urlRegex).toArray(String[]::new))
            .addString(service))
        .map(rows -> {
          List<String> found = new ArrayList<>();
          rows.forEach(row -> found.add("activity " + row.getLong("id") + " " + row.getString("method") + " "
              + row.getString("url_regex") + (row.getString("service") == null ? " (no service)"
                  : " (service '" + row.getString("service") + "')")));
          return found;
        });
  }

  private static Future<Void> apply(SqlClient client, ActivitySyncPlan plan, boolean prune) {
    Future<Void> chain = Future.succeededFuture();
    for (ActivityDefinition added : plan.added()) {
      chain = chain.compose(done -> insert(client, added));
    }
    for (ActivitySyncPlan.Change change : plan.changed()) {
      long id = change.before().id();
      ActivityDefinition after = change.after();
      chain = chain.compose(done -> client.preparedQuery("UPDATE activities SET description = $1, shadow = $2"
              + " WHERE id = $3").execute(Tuple.of(after.description(), after.shadow(), id)))
          .compose(done -> change.fields().contains("permissions")
              ? client.preparedQuery("DELETE FROM activity_permissions WHERE activity_id = $1").execute(Tuple.of(id))
                  .compose(deleted -> insertPermissions(client, id, after.permissions()))
              : Future.succeededFuture());
    }
    if (prune && !plan.removed().isEmpty()) {
      Long[] ids = plan.removed().stream().map(Activity::id).toArray(Long[]::new);
      chain = chain.compose(done -> client.preparedQuery("DELETE FROM activities WHERE id = ANY($1::bigint[])")
          .execute(Tuple.of(ids)).mapEmpty());
    }
    return chain;
  }

  private static Future<Void> insert(SqlClient client, ActivityDefinition definition) {
    return client.preparedQuery("INSERT INTO activities (method, url_regex, description, service, shadow)"
            + " VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .execute(Tuple.of(definition.method(), definition.urlRegex(), definition.description(), definition.service(),
            definition.shadow()))
        .compose(rows -> insertPermissions(client, rows.iterator().next().getLong(0), definition.permissions()));
  }

  /** The version counter: it changes with every committed change to activities or their permissions. */
  public Future<Long> version() {
    return pool.preparedQuery("SELECT version FROM activity_index_version").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<Optional<Activity>> find(long id) {
    return find(pool, id);
  }

  public Future<Activity> create(ActivityDefinition definition) {
    return validated(definition).compose(valid -> inTransaction(pool, connection -> connection
        .preparedQuery("INSERT INTO activities (method, url_regex, description, service, shadow)"
            + " VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .execute(Tuple.of(definition.method(), definition.urlRegex(), definition.description(), definition.service(),
            definition.shadow()))
        .compose(rows -> {
          long id = rows.iterator().next().getLong(0);
          return insertPermissions(connection, id, definition.permissions()).compose(done -> find(connection, id));
        })
        .map(Optional::orElseThrow)))
        .recover(translate(definition.method(), definition.urlRegex(), 0, definition.service()));
  }

  /**
   * Replaces an activity whole, permissions included, in one transaction: other gateways never see a half-applied
   * edit (which could briefly widen access).
   */
  public Future<Activity> update(long id, ActivityDefinition definition) {
    return update(id, definition, ExpectedRevision.ANY);
  }

  /** As {@link #update(long, ActivityDefinition)}, only when the activity is at an {@code expected} revision. */
  public Future<Activity> update(long id, ActivityDefinition definition, ExpectedRevision expected) {
    return validated(definition).compose(valid -> inTransaction(pool, connection -> lock(connection, id, expected)
        .compose(locked -> connection
            .preparedQuery("UPDATE activities SET method = $1, url_regex = $2, description = $3, service = $4,"
                + " shadow = $5 WHERE id = $6")
            .execute(Tuple.of(definition.method(), definition.urlRegex(), definition.description(),
                definition.service(), definition.shadow(), id)))
        .compose(updated -> connection.preparedQuery("DELETE FROM activity_permissions WHERE activity_id = $1")
            .execute(Tuple.of(id)))
        .compose(deleted -> insertPermissions(connection, id, definition.permissions()))
        .compose(done -> find(connection, id).map(Optional::orElseThrow))))
        .recover(translate(definition.method(), definition.urlRegex(), id, definition.service()));
  }

  public Future<Void> delete(long id) {
    return delete(id, ExpectedRevision.ANY);
  }

  public Future<Void> delete(long id, ExpectedRevision expected) {
    return inTransaction(pool, connection -> lock(connection, id, expected)
        .compose(locked -> connection.preparedQuery("DELETE FROM activities WHERE id = $1").execute(Tuple.of(id)))
        .mapEmpty());
  }

  /** True when the link is new, false when it already existed. */
  public Future<Boolean> linkPermission(long id, String permission) {
    return linkPermission(id, permission, ExpectedRevision.ANY);
  }

  public Future<Boolean> linkPermission(long id, String permission, ExpectedRevision expected) {
    try {
      ActivityPatterns.validatePermission(permission);
    } catch (InvalidActivityException e) {
      return Future.failedFuture(e);
    }
    return inTransaction(pool, connection -> lock(connection, id, expected)
        .compose(locked -> connection.preparedQuery("INSERT INTO activity_permissions (activity_id, permission)"
            + " VALUES ($1, $2) ON CONFLICT DO NOTHING").execute(Tuple.of(id, permission)))
        .map(rows -> rows.rowCount() > 0))
        .recover(translate(null, null, id, null));
  }

  /** True when a link was removed, false when there was none. */
  public Future<Boolean> unlinkPermission(long id, String permission) {
    return unlinkPermission(id, permission, ExpectedRevision.ANY);
  }

  public Future<Boolean> unlinkPermission(long id, String permission, ExpectedRevision expected) {
    return inTransaction(pool, connection -> lock(connection, id, expected)
        .compose(locked -> connection.preparedQuery("DELETE FROM activity_permissions WHERE activity_id = $1"
            + " AND permission = $2").execute(Tuple.of(id, permission)))
        .map(rows -> rows.rowCount() > 0));
  }

  /**
   * Locks the activity's row for the rest of the transaction and checks its revision: concurrent writers of the
   * same activity take turns, so a conditional write never acts on a revision that changed under it.
   */
  private static Future<Void> lock(SqlClient client, long id, ExpectedRevision expected) {
    return client.preparedQuery("SELECT revision FROM activities WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new ActivityNotFoundException(id));
          }
          long revision = rows.iterator().next().getLong(0);
          return expected.accepts(revision) ? Future.succeededFuture()
              : Future.failedFuture(new ActivityChangedException(id, revision));
        });
  }

  /** What a seed run did: services it created, activities it inserted or adopted, services it could not create. */
  public record SeedOutcome(List<String> servicesCreated, int activitiesAdded, int activitiesAdopted,
      List<String> servicesSkipped) {}

  /** {@link #seed(ActivitySeed)} of global activities only; the future holds how many were new. */
  public Future<Integer> seed(List<ActivityDefinition> definitions) {
    return seed(ActivitySeed.of(definitions)).map(SeedOutcome::activitiesAdded);
  }

  /**
   * Inserts, in one transaction, each seed service and each seed activity that is not stored yet (services by name,
   * activities by method and regex), with its permissions. What exists is left exactly as it is, so admin edits
   * survive restarts. A seed activity also counts as stored when its method is stored with its {@linkplain
   * #legacySpelling legacy spelling}. The upgrade path: a service this run creates adopts the GLOBAL activities
   * stored with the method and regex (or legacy spelling) the seed gives it, as an older seed without services wrote
   * them; only their service changes, never their regex, permissions or description. A seed service whose name is
   * free but whose prefix another service holds is not created, and its activities are left out (reported in {@link
   * SeedOutcome#servicesSkipped}): leaving activities out never widens access.
   */
  public Future<SeedOutcome> seed(ActivitySeed seed) {
    for (ActivityDefinition definition : seed.activities()) {
      try {
        definition.validate();
      } catch (InvalidActivityException | InvalidServiceException e) {
        return Future.failedFuture(new InvalidActivityException("Seed activity " + definition.method() + " "
            + definition.urlRegex() + ": " + e.getMessage()));
      }
    }
    for (Service service : seed.services()) {
      try {
        ServiceRules.validate(service);
      } catch (InvalidServiceException e) {
        return Future.failedFuture(new InvalidServiceException("Seed service " + service.name() + ": "
            + e.getMessage()));
      }
    }
    return inTransaction(pool, connection -> insertMissingServices(connection, seed.services())
        .compose(created -> connection.preparedQuery("SELECT name FROM services WHERE name = ANY($1::text[])")
            .execute(Tuple.of(seed.services().stream().map(Service::name).toArray(String[]::new)))
            .compose(rows -> {
              Set<String> present = new HashSet<>();
              rows.forEach(row -> present.add(row.getString(0)));
              List<String> skipped = seed.services().stream().map(Service::name)
                  .filter(name -> !present.contains(name)).toList();
              List<ActivityDefinition> wanted = seed.activities().stream()
                  .filter(a -> a.service() == null || present.contains(a.service())).toList();
              List<ActivityDefinition> adoptable = wanted.stream()
                  .filter(a -> a.service() != null && created.contains(a.service())).toList();
              return adopt(connection, adoptable)
                  .compose(adopted -> insertMissingActivities(connection, wanted)
                      .map(added -> new SeedOutcome(created, added, adopted, skipped)));
            })));
  }

  /** The names of the services inserted; a name or prefix that is taken already is left alone. */
  private static Future<List<String>> insertMissingServices(SqlClient client, List<Service> services) {
    List<String> created = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Service service : services) {
      chain = chain.compose(done -> client.preparedQuery("INSERT INTO services (name, route_prefix, upstreams,"
              + " timeout_ms, health_check_path, health_check_interval_ms, description)"
              + " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING name")
          .execute(ServiceStore.values(service))
          .map(rows -> {
            rows.forEach(row -> created.add(row.getString(0)));
            return null;
          }));
    }
    return chain.map(done -> List.copyOf(created));
  }

  /** Moves global activities with exactly a seed activity's method and regex into its service; how many moved. */
  private static Future<Integer> adopt(SqlClient client, List<ActivityDefinition> adoptable) {
    if (adoptable.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return client.preparedQuery("UPDATE activities a SET service = s.service"
            + " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS s(method, url_regex, legacy, service)"
            + " WHERE a.method = s.method AND a.url_regex IN (s.url_regex, s.legacy) AND a.service IS NULL")
        .execute(Tuple.tuple()
            .addArrayOfString(adoptable.stream().map(ActivityDefinition::method).toArray(String[]::new))
            .addArrayOfString(adoptable.stream().map(ActivityDefinition::urlRegex).toArray(String[]::new))
            .addArrayOfString(adoptable.stream().map(a -> legacySpelling(a.urlRegex())).toArray(String[]::new))
            .addArrayOfString(adoptable.stream().map(ActivityDefinition::service).toArray(String[]::new)))
        .map(rows -> rows.rowCount());
  }

  /**
   * {@code regex} with each one-segment wildcard {@code [^/]+} (as {@code import-openapi} writes it) written {@code
   * [^/?#]+} (as seeds before services wrote it). The two differ only for a segment holding a decoded '?' or '#'
   * (sent as %3F or %23); the seed never adds the one next to the other, which would re-grant permissions an admin
   * removed from the stored spelling.
   */
  static String legacySpelling(String regex) {
    return regex.replace("[^/]+", "[^/?#]+");
  }

  private static Future<Integer> insertMissingActivities(SqlClient client, List<ActivityDefinition> definitions) {
    // Two set-based statements rather than one round trip per activity: seeds may be large.
    List<String> methods = new ArrayList<>();
    List<String> regexes = new ArrayList<>();
    List<String> descriptions = new ArrayList<>();
    List<String> services = new ArrayList<>();
    List<String> legacies = new ArrayList<>();
    List<String> linkMethods = new ArrayList<>();
    List<String> linkRegexes = new ArrayList<>();
    List<String> linkPermissions = new ArrayList<>();
    for (ActivityDefinition definition : definitions) {
      methods.add(definition.method());
      regexes.add(definition.urlRegex());
      descriptions.add(definition.description());
      services.add(definition.service() == null ? "" : definition.service()); // '' is no name: NULLIF below
      legacies.add(legacySpelling(definition.urlRegex()));
      for (String permission : definition.permissions()) {
        linkMethods.add(definition.method());
        linkRegexes.add(definition.urlRegex());
        linkPermissions.add(permission);
      }
    }
    return client
        .preparedQuery("INSERT INTO activities (method, url_regex, description, service)"
            + " SELECT m, r, d, NULLIF(s, '') FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
            + " $5::text[]) AS n(m, r, d, s, l)"
            + " WHERE NOT EXISTS (SELECT 1 FROM activities a WHERE a.method = n.m AND a.url_regex = n.l)"
            + " ON CONFLICT (method, url_regex) DO NOTHING RETURNING id")
        .execute(Tuple.tuple().addArrayOfString(methods.toArray(String[]::new))
            .addArrayOfString(regexes.toArray(String[]::new)).addArrayOfString(descriptions.toArray(String[]::new))
            .addArrayOfString(services.toArray(String[]::new)).addArrayOfString(legacies.toArray(String[]::new)))
        .compose(inserted -> {
          Long[] ids = new Long[inserted.size()];
          int i = 0;
          for (Row row : inserted) {
            ids[i++] = row.getLong(0);
          }
          return client.preparedQuery("INSERT INTO activity_permissions (activity_id, permission)"
                  + " SELECT a.id, p.permission FROM unnest($1::text[], $2::text[], $3::text[])"
                  + " AS p(method, url_regex, permission) JOIN activities a USING (method, url_regex)"
                  + " WHERE a.id = ANY($4::bigint[]) ON CONFLICT DO NOTHING")
              .execute(Tuple.tuple().addArrayOfString(linkMethods.toArray(String[]::new))
                  .addArrayOfString(linkRegexes.toArray(String[]::new))
                  .addArrayOfString(linkPermissions.toArray(String[]::new)).addArrayOfLong(ids))
              .map(ids.length);
        });
  }

  private static Future<Void> insertPermissions(SqlClient client, long id, Set<String> permissions) {
    if (permissions.isEmpty()) {
      return Future.succeededFuture();
    }
    return client.preparedQuery("INSERT INTO activity_permissions (activity_id, permission)"
            + " SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(id).addArrayOfString(permissions.toArray(String[]::new)))
        .mapEmpty();
  }

  private static Future<Optional<Activity>> find(SqlClient client, long id) {
    return client.preparedQuery(SELECT_ACTIVITIES + " WHERE a.id = $1").execute(Tuple.of(id))
        .map(ActivityStore::firstActivity);
  }

  private static Optional<Activity> firstActivity(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(toActivity(rows.iterator().next()));
  }

  private static Activity toActivity(Row row) {
    return new Activity(row.getLong("id"), row.getString("method"), row.getString("url_regex"),
        row.getString("description"), Set.of(row.getArrayOfStrings("permissions")), row.getLong("revision"),
        row.getString("service"), Boolean.TRUE.equals(row.getBoolean("shadow")));
  }

  private static Future<Void> validated(ActivityDefinition definition) {
    try {
      definition.validate();
      return Future.succeededFuture();
    } catch (InvalidActivityException | InvalidServiceException e) {
      return Future.failedFuture(e);
    }
  }

  private static <T> Function<Throwable, Future<T>> translate(String method, String urlRegex, long id,
      String service) {
    return failure -> {
      if (failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
        return Future.failedFuture(new ActivityConflictException(method, urlRegex));
      }
      if (failure instanceof PgException pg && FOREIGN_KEY_VIOLATION.equals(pg.getSqlState())
          && service != null && "activities_service_fkey".equals(pg.getConstraint())) {
        return Future.failedFuture(new ServiceNotFoundException(service));
      }
      if (failure instanceof PgException pg && FOREIGN_KEY_VIOLATION.equals(pg.getSqlState())) {
        return Future.failedFuture(new ActivityNotFoundException(id));
      }
      return Future.failedFuture(failure);
    };
  }
}
