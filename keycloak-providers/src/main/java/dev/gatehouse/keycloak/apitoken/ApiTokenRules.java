package dev.gatehouse.keycloak.apitoken;

import java.time.Duration;
import java.time.Instant;

/** Time rules of API tokens, free of Keycloak so they can be tested on their own. */
public final class ApiTokenRules {
  /**
   * Last-used time is written at most this often per token: every resolution writing the credential row would turn
   * each gateway cache miss into a database write. Readers see it to within this granularity.
   */
  public static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

  private ApiTokenRules() {}

  /** Expired from the instant {@code expiresAt} on; no expiry means never. */
  public static boolean isExpired(Instant expiresAt, Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  public static boolean shouldRecordUse(Instant lastUsedAt, Instant now) {
    // A last-used time ahead of this node's clock (skew between cluster nodes) is left alone rather than moved back.
    return lastUsedAt == null || !now.isBefore(lastUsedAt.plus(LAST_USED_GRANULARITY));
  }

  /** An access token resolved from an API token never outlives the API token (seconds since the epoch, as in JWTs). */
  public static long accessTokenExpiry(long accessTokenExp, Instant apiTokenExpiresAt) {
    if (apiTokenExpiresAt == null) {
      return accessTokenExp;
    }
    return Math.min(accessTokenExp, apiTokenExpiresAt.getEpochSecond());
  }
}
