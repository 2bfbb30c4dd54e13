package dev.gatehouse.gateway.apitoken;

import java.util.Locale;

/** Hears what the resolver does, for metrics. Called on event-loop threads: keep implementations cheap. */
public interface ApiTokenListener {

  /** What a call to Keycloak's token endpoint came to. */
  enum Resolution {
    RESOLVED, REFUSED, UNAVAILABLE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  ApiTokenListener NONE = new ApiTokenListener() {};

  /** A request answered from the cache, or by joining a resolution already in flight. */
  default void cacheHit() {}

  /** A request for which a call to Keycloak was made. */
  default void keycloakCall() {}

  default void resolution(Resolution outcome) {}

  /** Refused locally: wrong shape or checksum. */
  default void malformed() {}

  /** Refused locally: the miss rate limiter had no permit. */
  default void rateLimited() {}
}
