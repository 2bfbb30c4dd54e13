package dev.gatehouse.gateway.token;

import java.time.Instant;

/**
 * A snapshot of the key source for health checks and gauges.
 *
 * @param ready               a non-empty key set was loaded at least once
 * @param keyCount            keys currently in use (0 while not ready)
 * @param lastSuccess         when the JWKS was last fetched and accepted, or null
 * @param lastFailure         short description of the last failed fetch, or null after a success
 * @param consecutiveFailures failed fetches since the last success
 * @param fetches             JWKS fetches started so far
 */
public record KeySetStatus(boolean ready, int keyCount, Instant lastSuccess, String lastFailure,
                           int consecutiveFailures, long fetches) {}
