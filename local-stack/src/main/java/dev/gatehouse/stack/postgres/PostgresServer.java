package dev.gatehouse.stack.postgres;

import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.WorkFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server from embedded binaries (no installation needed), on loopback. It can be stopped and
 * started again on the same port and data, so tests can take the database away from a running gateway.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String DATABASE = "gatehouse";
  public static final String USER = "postgres";
  public static final String PASSWORD = "postgres";

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres postgres;

  private PostgresServer(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  /** Starts a fresh server in {@code dataDir} (emptied first) and creates the {@value #DATABASE} database. */
  public static PostgresServer start(Path dataDir, int port) {
    PostgresServer server = new PostgresServer(dataDir, port > 0 ? port : FreePorts.next());
    WorkFiles.deleteTree(dataDir);
    server.postgres = server.launch();
    server.execute("CREATE DATABASE " + DATABASE);
    return server;
  }

  public int port() {
    return port;
  }

  public String host() {
    return "127.0.0.1";
  }

  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  /** Another database of this server, e.g. one created with {@link #execute} for Keycloak. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Stops the server, keeping its data for {@link #restart()}. */
  public void stop() {
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot stop PostgreSQL on port " + port, e);
      } finally {
        postgres = null;
      }
    }
  }

  /** Starts the server again on the same port and data directory. */
  public void restart() {
    if (postgres == null) {
      postgres = launch();
    }
  }

  public boolean isRunning() {
    return postgres != null;
  }

  @Override
  public void close() {
    stop();
  }

  /** Runs one statement as the superuser against the {@code postgres} maintenance database. */
  public void execute(String sql) {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL refused: " + sql + ": " + e.getMessage(), e);
    }
  }

  /** Runs SQL (one or more statements) as the superuser in {@code database}. */
  public void executeIn(String database, String sql) {
    try (Connection connection = postgres.getDatabase(USER, database).getConnection();
         Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL refused, in database " + database + ": " + e.getMessage(), e);
    }
  }

  private EmbeddedPostgres launch() {
    try {
      // Never let the library clean up: it deletes the data directory on close, which would defeat restart().
      return EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setServerConfig("listen_addresses", "127.0.0.1")
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start embedded PostgreSQL on 127.0.0.1:" + port
          + " (data in " + dataDir + "): " + e.getMessage(), e);
    }
  }
}
