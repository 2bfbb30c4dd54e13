package dev.gatehouse.gateway.apitoken;

/**
 * Too many never-seen API tokens are arriving: this one was not sent to Keycloak. Answer 429; a genuine token
 * succeeds when retried after a moment.
 */
public final class ApiTokenRateLimitedException extends RuntimeException {
  public ApiTokenRateLimitedException(String message) {
    super(message, null, false, false);
  }
}
