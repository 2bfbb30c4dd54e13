package dev.gatehouse.gateway.admin;

/** Keycloak has no such role, user or client (with a service account); the message says which and what to check. */
public final class UnknownSubjectException extends RuntimeException {
  public UnknownSubjectException(String message) {
    super(message, null, false, false);
  }
}
