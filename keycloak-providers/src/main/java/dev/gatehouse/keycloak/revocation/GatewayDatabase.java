package dev.gatehouse.keycloak.revocation;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * The gateways' PostgreSQL database, written over plain JDBC with the driver Keycloak ships. Each batch is one
 * transaction: rows are inserted unless a row with the same {@code source} exists (a retry after a lost commit
 * acknowledgement delivers nothing twice), and each insert notifies {@value #CHANNEL} with the new id, delivered to the
 * listening gateways when the transaction commits. Used by the relay thread only.
 */
final class GatewayDatabase implements AutoCloseable {
  static final String CHANNEL = "gatehouse_revocations";
  /** SQLSTATE undefined_table: the gateway has not created the table yet. */
  static final String UNDEFINED_TABLE = "42P01";
  /** SQLSTATE insufficient_privilege: the user may not connect, or lacks its grants on the table. */
  static final String INSUFFICIENT_PRIVILEGE = "42501";

  private static final String INSERT_AND_NOTIFY = "WITH inserted AS ("
      + " INSERT INTO revocations (kind, key, not_before, reason, expires_at, source)"
      + " SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM revocations WHERE source = ?)"
      + " RETURNING id)"
      + " SELECT pg_notify('" + CHANNEL + "', id::text) FROM inserted";

  private final RevocationSettings settings;
  private Connection connection;

  GatewayDatabase(RevocationSettings settings) {
    this.settings = settings;
  }

  void insert(List<PendingRevocation> rows) throws SQLException {
    Connection c = connection();
    try (PreparedStatement insert = c.prepareStatement(INSERT_AND_NOTIFY)) {
      for (PendingRevocation row : rows) {
        insert.setString(1, row.kind());
        insert.setString(2, row.key());
        insert.setLong(3, row.notBefore());
        insert.setString(4, row.reason());
        insert.setLong(5, row.expiresAt());
        insert.setString(6, row.source());
        insert.setString(7, row.source());
        insert.executeQuery().close();
      }
      c.commit();
    } catch (SQLException e) {
      close();
      throw e;
    }
  }

  private Connection connection() throws SQLException {
    if (connection != null && connection.isValid(2)) {
      return connection;
    }
    close();
    Properties properties = new Properties();
    if (settings.jdbcUsername() != null) {
      properties.setProperty("user", settings.jdbcUsername());
    }
    if (settings.jdbcPassword() != null) {
      properties.setProperty("password", settings.jdbcPassword());
    }
    // Bounded waits: an unreachable database must cost the relay seconds, never hang it. The URL may override these.
    properties.setProperty("connectTimeout", "5");
    properties.setProperty("socketTimeout", "15");
    properties.setProperty("ApplicationName", "keycloak-gatehouse-revocations");
    Connection opened = driver().connect(settings.jdbcUrl(), properties);
    if (opened == null) {
      throw new SQLException("The PostgreSQL driver does not accept " + settings.jdbcUrlForLogs());
    }
    opened.setAutoCommit(false);
    connection = opened;
    return opened;
  }

  private static Driver driver() throws SQLException {
    try {
      return (Driver) Class.forName("org.postgresql.Driver", true, GatewayDatabase.class.getClassLoader())
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new SQLException("The PostgreSQL JDBC driver (org.postgresql.Driver, shipped with Keycloak) cannot be"
          + " loaded: " + e, e);
    }
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Broken already; a new one is opened for the next attempt.
      }
      connection = null;
    }
  }
}
