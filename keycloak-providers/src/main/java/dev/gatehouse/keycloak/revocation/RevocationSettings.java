package dev.gatehouse.keycloak.revocation;

import java.time.Duration;
import java.util.function.Function;

/**
 * The listener's configuration: Keycloak provider options {@code spi-events-listener--gatehouse-revocations--<name>}
 * (environment {@code KC_SPI_EVENTS_LISTENER__GATEHOUSE_REVOCATIONS__<NAME>}). Without {@code jdbc-url} the listener
 * is inert: it records nothing and says so in the log.
 */
record RevocationSettings(String jdbcUrl, String jdbcUsername, String jdbcPassword, Duration maxTokenLifespan,
                          String permissionsClient, Duration pollInterval, Duration orphanAge, Duration maxBackoff) {
  static final String OPTION_PREFIX = "spi-events-listener--gatehouse-revocations--";
  static final String ENV_PREFIX = "KC_SPI_EVENTS_LISTENER__GATEHOUSE_REVOCATIONS__";

  static final String JDBC_URL = "jdbc-url";
  static final String JDBC_USERNAME = "jdbc-username";
  static final String JDBC_PASSWORD = "jdbc-password";
  static final String MAX_TOKEN_LIFESPAN = "max-token-lifespan-seconds";
  static final String PERMISSIONS_CLIENT = "permissions-client";
  static final String POLL_INTERVAL = "poll-interval-millis";
  static final String ORPHAN_AGE = "orphan-age-seconds";
  static final String MAX_BACKOFF = "max-backoff-seconds";

  static final long DEFAULT_MAX_TOKEN_LIFESPAN_SECONDS = 3600;
  static final String DEFAULT_PERMISSIONS_CLIENT = "gatehouse-permissions";
  static final long DEFAULT_POLL_INTERVAL_MILLIS = 5000;
  static final long DEFAULT_ORPHAN_AGE_SECONDS = 30;
  static final long DEFAULT_MAX_BACKOFF_SECONDS = 30;

  boolean configured() {
    return jdbcUrl != null;
  }

  /** Reads options by name (as {@code Config.Scope#get} does); bad values fail with a message naming the option. */
  static RevocationSettings from(Function<String, String> option) {
    String url = blankToNull(option.apply(JDBC_URL));
    if (url != null && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(name(JDBC_URL) + " must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/"
          + "database) of the gateways' database, got '" + url + "'.");
    }
    return new RevocationSettings(url,
        blankToNull(option.apply(JDBC_USERNAME)),
        option.apply(JDBC_PASSWORD),
        Duration.ofSeconds(positive(option, MAX_TOKEN_LIFESPAN, DEFAULT_MAX_TOKEN_LIFESPAN_SECONDS)),
        orDefault(blankToNull(option.apply(PERMISSIONS_CLIENT)), DEFAULT_PERMISSIONS_CLIENT),
        Duration.ofMillis(positive(option, POLL_INTERVAL, DEFAULT_POLL_INTERVAL_MILLIS)),
        Duration.ofSeconds(positive(option, ORPHAN_AGE, DEFAULT_ORPHAN_AGE_SECONDS)),
        Duration.ofSeconds(positive(option, MAX_BACKOFF, DEFAULT_MAX_BACKOFF_SECONDS)));
  }

  /** The URL without user information or parameters, safe for logs. */
  String jdbcUrlForLogs() {
    if (jdbcUrl == null) {
      return "(not set)";
    }
    String withoutParameters = jdbcUrl.contains("?") ? jdbcUrl.substring(0, jdbcUrl.indexOf('?')) : jdbcUrl;
    return withoutParameters.replaceFirst("//[^/@]*@", "//");
  }

  static String name(String option) {
    return OPTION_PREFIX + option + " (" + ENV_PREFIX + option.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + ")";
  }

  private static long positive(Function<String, String> option, String key, long fallback) {
    String value = blankToNull(option.apply(key));
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed <= 0) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name(key) + " must be a positive whole number, got '" + value + "'.");
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static String orDefault(String value, String fallback) {
    return value == null ? fallback : value;
  }
}
