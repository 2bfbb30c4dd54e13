package dev.gatehouse.gateway.policy;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the gateway's tables up to date at start. The SQL files under {@code db/} are applied in the order of
 * {@code db/migrations.txt}, each once, recorded in {@code gatehouse_schema_version}. Everything runs in one
 * transaction behind a transaction-scoped advisory lock, so gateways starting together take turns and a failed
 * migration leaves nothing half-applied.
 */
public final class SchemaMigrations {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);
  /** Arbitrary but fixed: "gatehouse" in ASCII, truncated to fit a bigint. */
  static final long ADVISORY_LOCK_KEY = 0x6761746568_6f7573L;

  record Migration(int version, String name, String sql) {}

  private SchemaMigrations() {}

  /** Applies what is missing; the future holds how many migrations were applied (0 when up to date). */
  public static Future<Integer> apply(Pool pool) {
    List<Migration> migrations;
    try {
      migrations = bundled();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return ActivityStore.inTransaction(pool, connection -> connection
        .query("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK_KEY + ")").execute()
        .compose(locked -> connection.query("CREATE TABLE IF NOT EXISTS gatehouse_schema_version ("
            + "version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())").execute())
        .compose(created -> connection.query("SELECT version FROM gatehouse_schema_version").execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          for (Row row : rows) {
            applied.add(row.getInteger(0));
          }
          List<Migration> missing = migrations.stream().filter(m -> !applied.contains(m.version())).toList();
          return applyInOrder(connection, missing, 0).map(missing.size());
        }));
  }

  private static Future<Void> applyInOrder(SqlConnection connection, List<Migration> missing, int next) {
    if (next == missing.size()) {
      return Future.succeededFuture();
    }
    Migration migration = missing.get(next);
    LOG.info("Applying database migration {}", migration.name());
    return connection.query(migration.sql()).execute()
        .compose(done -> connection.preparedQuery("INSERT INTO gatehouse_schema_version (version, name) VALUES ($1, $2)")
            .execute(Tuple.of(migration.version(), migration.name())))
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "Database migration " + migration.name() + " failed: " + e.getMessage(), e)))
        .compose(recorded -> applyInOrder(connection, missing, next + 1));
  }

  /** The migrations shipped in this jar, in order. */
  static List<Migration> bundled() {
    List<Migration> migrations = new ArrayList<>();
    for (String line : resource("db/migrations.txt").split("\n")) {
      String name = line.strip();
      if (name.isEmpty() || name.startsWith("#")) {
        continue;
      }
      if (!name.matches("V\\d+__[A-Za-z0-9_]+\\.sql")) {
        throw new IllegalStateException("db/migrations.txt lists '" + name + "'; names look like V002__what_it_does.sql");
      }
      int version = Integer.parseInt(name.substring(1, name.indexOf("__")));
      migrations.add(new Migration(version, name, resource("db/" + name)));
    }
    return List.copyOf(migrations);
  }

  private static String resource(String path) {
    try (InputStream in = SchemaMigrations.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + path + " in the gateway jar.");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
