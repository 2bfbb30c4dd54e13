package dev.gatehouse.gateway.policy;

/** An activity that must not be stored or loaded; the message says what is wrong and how to fix it. */
public final class InvalidActivityException extends RuntimeException {
  public InvalidActivityException(String message) {
    super(message);
  }
}
