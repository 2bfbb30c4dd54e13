package dev.gatehouse.gateway.proxy;

/** The caller's identity headers would exceed the configured bound, so the request is not forwarded. */
public final class IdentityTooLargeException extends RuntimeException {
  public IdentityTooLargeException(String message) {
    super(message, null, false, false);
  }
}
