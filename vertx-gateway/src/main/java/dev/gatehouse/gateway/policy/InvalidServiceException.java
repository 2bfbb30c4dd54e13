package dev.gatehouse.gateway.policy;

/** A service that must not be stored or loaded; the message says what is wrong and how to fix it. */
public final class InvalidServiceException extends IllegalArgumentException {
  public InvalidServiceException(String message) {
    super(message);
  }
}
