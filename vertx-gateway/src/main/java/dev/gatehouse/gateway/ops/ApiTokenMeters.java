package dev.gatehouse.gateway.ops;

import dev.gatehouse.gateway.apitoken.ApiTokenListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/** The API-token meters, all registered up front so they show (at 0) from the first scrape. */
final class ApiTokenMeters implements ApiTokenListener {
  private final Counter cacheHits;
  private final Counter keycloakCalls;
  private final Counter malformed;
  private final Counter rateLimited;
  private final Map<Resolution, Counter> resolutions = new EnumMap<>(Resolution.class);

  ApiTokenMeters(MeterRegistry registry) {
    cacheHits = Counter.builder("gatehouse_api_token_cache_hits")
        .description("API-token requests answered from the cache or by joining a resolution in flight")
        .register(registry);
    keycloakCalls = Counter.builder("gatehouse_api_token_keycloak_calls")
        .description("Calls to Keycloak's token endpoint to resolve an API token")
        .register(registry);
    malformed = Counter.builder("gatehouse_api_token_malformed")
        .description("API tokens refused locally for their shape or checksum (no Keycloak call)")
        .register(registry);
    rateLimited = Counter.builder("gatehouse_api_token_rate_limited")
        .description("Unknown API tokens refused with 429 because the miss rate limiter was empty (no Keycloak call)")
        .register(registry);
    for (Resolution outcome : Resolution.values()) {
      resolutions.put(outcome, Counter.builder("gatehouse_api_token_resolutions")
          .description("API-token resolutions at Keycloak by outcome")
          .tag("outcome", outcome.label())
          .register(registry));
    }
  }

  @Override
  public void cacheHit() {
    cacheHits.increment();
  }

  @Override
  public void keycloakCall() {
    keycloakCalls.increment();
  }

  @Override
  public void resolution(Resolution outcome) {
    resolutions.get(outcome).increment();
  }

  @Override
  public void malformed() {
    malformed.increment();
  }

  @Override
  public void rateLimited() {
    rateLimited.increment();
  }
}
