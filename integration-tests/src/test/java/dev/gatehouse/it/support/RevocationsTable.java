package dev.gatehouse.it.support;

import dev.gatehouse.stack.postgres.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The gateways' {@code revocations} table in the test PostgreSQL, as Keycloak's revocation listener fills it. Created
 * with the gateway's own migration file when no gateway has run yet.
 */
public final class RevocationsTable {
  private static final String MIGRATION = "db/V003__revocations.sql";

  public record Row(long id, String kind, String key, long notBefore, String reason, long expiresAt, String source) {}

  private final PostgresServer postgres;

  private RevocationsTable(PostgresServer postgres) {
    this.postgres = postgres;
  }

  /** The table in that server's gateway database, created by the gateway's migration SQL if missing. */
  public static RevocationsTable in(PostgresServer postgres) {
    RevocationsTable table = new RevocationsTable(postgres);
    try (Connection connection = table.connect(); Statement statement = connection.createStatement()) {
      statement.execute(migrationSql());
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create the revocations table: " + e.getMessage(), e);
    }
    return table;
  }

  /** Rows for that kind and key, oldest first. */
  public List<Row> rows(String kind, String key) {
    try (Connection connection = connect();
         PreparedStatement query = connection.prepareStatement("SELECT id, kind, key, not_before, reason, expires_at,"
             + " source FROM revocations WHERE kind = ? AND key = ? ORDER BY id")) {
      query.setString(1, kind);
      query.setString(2, key);
      List<Row> rows = new ArrayList<>();
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          rows.add(new Row(result.getLong(1), result.getString(2), result.getString(3), result.getLong(4),
              result.getString(5), result.getLong(6), result.getString(7)));
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read revocations: " + e.getMessage(), e);
    }
  }

  /** The highest id so far (0 when empty): rows after a point in a test have a larger id. */
  public long lastId() {
    try (Connection connection = connect(); Statement statement = connection.createStatement();
         ResultSet result = statement.executeQuery("SELECT coalesce(max(id), 0) FROM revocations")) {
      result.next();
      return result.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read revocations: " + e.getMessage(), e);
    }
  }

  /** Waits (polling, bounded) for a row of that kind and key matching {@code expected}, and returns it. */
  public Row await(String kind, String key, Duration deadline, Predicate<Row> expected) {
    long end = System.nanoTime() + deadline.toNanos();
    List<Row> seen = List.of();
    String lastError = null;
    while (System.nanoTime() < end) {
      try {
        seen = rows(kind, key);
        lastError = null;
        for (Row row : seen) {
          if (expected.test(row)) {
            return row;
          }
        }
      } catch (IllegalStateException databaseDown) {
        lastError = databaseDown.getMessage();
      }
      pause();
    }
    throw new AssertionError("No matching revocation " + kind + "/" + key + " within " + deadline.toMillis()
        + " ms; rows seen: " + seen + (lastError == null ? "" : "; last error: " + lastError));
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
  }

  private static String migrationSql() {
    try (InputStream in = RevocationsTable.class.getClassLoader().getResourceAsStream(MIGRATION)) {
      if (in == null) {
        throw new IllegalStateException(MIGRATION + " is not on the test classpath (it comes with the gateway jar)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + MIGRATION, e);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting for a revocation", e);
    }
  }
}
