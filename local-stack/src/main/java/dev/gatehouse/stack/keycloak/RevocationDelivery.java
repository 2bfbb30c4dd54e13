package dev.gatehouse.stack.keycloak;

import dev.gatehouse.stack.postgres.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Keycloak's environment for the extension pack's revocation listener ({@code gatehouse-revocations}): where to deliver
 * revocations, i.e. the gateways' PostgreSQL database, and as whom: the least-privileged role
 * {@value #WRITER_ROLE}, created with the script operators run ({@code sql/revocation-writer-role.sql} in the gateway
 * jar). The names are the ones docs/operations.md documents for production.
 */
public final class RevocationDelivery {
  public static final String ENV_PREFIX = "KC_SPI_EVENTS_LISTENER__GATEHOUSE_REVOCATIONS__";
  public static final String JDBC_URL = ENV_PREFIX + "JDBC_URL";
  public static final String JDBC_USERNAME = ENV_PREFIX + "JDBC_USERNAME";
  public static final String JDBC_PASSWORD = ENV_PREFIX + "JDBC_PASSWORD";
  public static final String MAX_BACKOFF_SECONDS = ENV_PREFIX + "MAX_BACKOFF_SECONDS";

  /** The role the script creates: INSERT into revocations (plus what the relay's statement needs), nothing else. */
  public static final String WRITER_ROLE = "gatehouse_revocation_writer";
  /** Its password in local runs and tests only. */
  public static final String WRITER_DEV_PASSWORD = "dev-revocation-writer-for-local-runs-only";
  static final String WRITER_ROLE_SCRIPT = "sql/revocation-writer-role.sql";
  private static final String REVOCATIONS_MIGRATION = "db/V003__revocations.sql";

  private RevocationDelivery() {}

  /**
   * Delivers to the {@value PostgresServer#DATABASE} database of that server (where the local gateway keeps its
   * tables), as {@value #WRITER_ROLE}, which this creates first (see {@link #createWriterRole}).
   */
  public static Map<String, String> to(PostgresServer postgres) {
    createWriterRole(postgres);
    Map<String, String> env = new HashMap<>();
    env.put(JDBC_URL, postgres.jdbcUrl());
    env.put(JDBC_USERNAME, WRITER_ROLE);
    env.put(JDBC_PASSWORD, WRITER_DEV_PASSWORD);
    return env;
  }

  /** As {@link #to}, retrying at least every {@code maxBackoffSeconds} while the database is down (tests). */
  public static Map<String, String> to(PostgresServer postgres, int maxBackoffSeconds) {
    Map<String, String> env = to(postgres);
    env.put(MAX_BACKOFF_SECONDS, String.valueOf(maxBackoffSeconds));
    return env;
  }

  /**
   * Runs what an operator runs: the gateway's own {@code revocations} migration (idempotent; the gateway has not
   * started yet in a local run, and applies it again harmlessly), then the role script, then the dev password.
   */
  public static void createWriterRole(PostgresServer postgres) {
    postgres.executeIn(PostgresServer.DATABASE, resource(REVOCATIONS_MIGRATION));
    postgres.executeIn(PostgresServer.DATABASE, resource(WRITER_ROLE_SCRIPT));
    postgres.executeIn(PostgresServer.DATABASE, "ALTER ROLE " + WRITER_ROLE + " PASSWORD '" + WRITER_DEV_PASSWORD + "'");
  }

  private static String resource(String path) {
    try (InputStream in = RevocationDelivery.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is not on the classpath (it comes with the gateway jar)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }
}
