package dev.gatehouse.gateway.apitoken;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the gateway resolves API tokens at Keycloak and how long it trusts an answer. The defaults are the documented
 * contract: a resolution is reused for at most 50 s (and never later than 10 s before the access token expires), so
 * a revoked token stops working within 50 s; a refusal is remembered 10 s; unknown tokens reach Keycloak at most
 * 5 per second after a burst of 20.
 */
public final class ApiTokenOptions {
  /** The documented revocation bound: no resolution is reused longer than this. */
  public static final Duration MAX_CACHE_LIMIT = Duration.ofSeconds(50);
  /** A resolution is not reused in the last seconds of its access token's life. */
  public static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);
  /** Keycloak unreachable: remembered this long, so an outage is not hammered, but recovery is noticed at once. */
  public static final Duration UNAVAILABLE_CACHE = Duration.ofSeconds(1);

  private String tokenEndpoint;
  private String clientId = "gateway";
  private String clientSecret;
  private Duration maxCache = MAX_CACHE_LIMIT;
  private Duration refusalCache = Duration.ofSeconds(10);
  private double missesPerSecond = 5;
  private int missBurst = 20;
  private int cacheSize = 10_000;
  private long httpTimeoutMillis = 5_000;

  public String tokenEndpoint() {
    return tokenEndpoint;
  }

  public ApiTokenOptions setTokenEndpoint(String tokenEndpoint) {
    this.tokenEndpoint = tokenEndpoint;
    return this;
  }

  public String clientId() {
    return clientId;
  }

  public ApiTokenOptions setClientId(String clientId) {
    this.clientId = clientId;
    return this;
  }

  public String clientSecret() {
    return clientSecret;
  }

  public ApiTokenOptions setClientSecret(String clientSecret) {
    this.clientSecret = clientSecret;
    return this;
  }

  public Duration maxCache() {
    return maxCache;
  }

  /** At most {@link #MAX_CACHE_LIMIT}; lower only shortens the revocation bound (tests use a few seconds). */
  public ApiTokenOptions setMaxCache(Duration maxCache) {
    this.maxCache = maxCache;
    return this;
  }

  public Duration refusalCache() {
    return refusalCache;
  }

  public ApiTokenOptions setRefusalCache(Duration refusalCache) {
    this.refusalCache = refusalCache;
    return this;
  }

  public double missesPerSecond() {
    return missesPerSecond;
  }

  public ApiTokenOptions setMissesPerSecond(double missesPerSecond) {
    this.missesPerSecond = missesPerSecond;
    return this;
  }

  public int missBurst() {
    return missBurst;
  }

  public ApiTokenOptions setMissBurst(int missBurst) {
    this.missBurst = missBurst;
    return this;
  }

  public int cacheSize() {
    return cacheSize;
  }

  public ApiTokenOptions setCacheSize(int cacheSize) {
    this.cacheSize = cacheSize;
    return this;
  }

  public long httpTimeoutMillis() {
    return httpTimeoutMillis;
  }

  public ApiTokenOptions setHttpTimeoutMillis(long httpTimeoutMillis) {
    this.httpTimeoutMillis = httpTimeoutMillis;
    return this;
  }

  /** Returns this, or throws listing every problem (one per line, each starting with "- "). */
  public ApiTokenOptions validate() {
    List<String> problems = new ArrayList<>();
    if (tokenEndpoint == null || !(tokenEndpoint.startsWith("http://") || tokenEndpoint.startsWith("https://"))) {
      problems.add("apiTokens.tokenEndpoint: expected an http(s) URL of Keycloak's token endpoint");
    }
    if (clientId == null || clientId.isBlank()) {
      problems.add("apiTokens.clientId: expected the confidential client allowed to use the API-token grant");
    }
    if (clientSecret == null || clientSecret.isBlank()) {
      problems.add("apiTokens.clientSecret: expected the client's secret");
    }
    if (maxCache.isNegative() || maxCache.isZero() || maxCache.compareTo(MAX_CACHE_LIMIT) > 0) {
      problems.add("apiTokens.maxCacheSeconds: expected 1 to " + MAX_CACHE_LIMIT.toSeconds()
          + " (the revocation bound)");
    }
    if (refusalCache.isNegative() || refusalCache.compareTo(Duration.ofMinutes(5)) > 0) {
      problems.add("apiTokens.refusalCacheSeconds: expected 0 to 300");
    }
    if (!(missesPerSecond > 0) || missBurst < 1) {
      problems.add("apiTokens.missesPerSecond / missBurst: expected a rate above 0 and a burst of at least 1");
    }
    if (cacheSize < 1) {
      problems.add("apiTokens.cacheSize: expected at least 1");
    }
    if (httpTimeoutMillis < 1) {
      problems.add("apiTokens.httpTimeoutMillis: expected at least 1");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid API token options:\n- " + String.join("\n- ", problems));
    }
    return this;
  }
}
