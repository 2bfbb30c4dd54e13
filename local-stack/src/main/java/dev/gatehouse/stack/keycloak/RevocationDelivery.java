package dev.gatehouse.stack.keycloak;

import dev.gatehouse.stack.postgres.PostgresServer;
import java.util.HashMap;
import java.util.Map;

/**
 * Keycloak's environment for the extension pack's revocation listener ({@code gatehouse-revocations}): where to deliver
 * revocations, i.e. the gateways' PostgreSQL database. The names are the ones docs/operations.md documents for
 * production.
 */
public final class RevocationDelivery {
  public static final String ENV_PREFIX = "KC_SPI_EVENTS_LISTENER__GATEHOUSE_REVOCATIONS__";
  public static final String JDBC_URL = ENV_PREFIX + "JDBC_URL";
  public static final String JDBC_USERNAME = ENV_PREFIX + "JDBC_USERNAME";
  public static final String JDBC_PASSWORD = ENV_PREFIX + "JDBC_PASSWORD";
  public static final String MAX_BACKOFF_SECONDS = ENV_PREFIX + "MAX_BACKOFF_SECONDS";

  private RevocationDelivery() {}

  /** Delivers to the {@value PostgresServer#DATABASE} database of that server (where the local gateway keeps its tables). */
  public static Map<String, String> to(PostgresServer postgres) {
    Map<String, String> env = new HashMap<>();
    env.put(JDBC_URL, postgres.jdbcUrl());
    env.put(JDBC_USERNAME, PostgresServer.USER);
    env.put(JDBC_PASSWORD, PostgresServer.PASSWORD);
    return env;
  }

  /** As {@link #to}, retrying at least every {@code maxBackoffSeconds} while the database is down (tests). */
  public static Map<String, String> to(PostgresServer postgres, int maxBackoffSeconds) {
    Map<String, String> env = to(postgres);
    env.put(MAX_BACKOFF_SECONDS, String.valueOf(maxBackoffSeconds));
    return env;
  }
}
