package dev.gatehouse.gateway.apitoken;

/** The API token could not be resolved because Keycloak is unreachable or misconfigured: fail closed with 503. */
public final class ApiTokenUnavailableException extends RuntimeException {
  public ApiTokenUnavailableException(String message) {
    super(message, null, false, false);
  }
}
