package dev.gatehouse.gateway.http;

/** A request target the gateway refuses to interpret (answered with 400); the message is safe to show. */
public final class BadRequestTargetException extends RuntimeException {
  public BadRequestTargetException(String message) {
    super(message);
  }
}
