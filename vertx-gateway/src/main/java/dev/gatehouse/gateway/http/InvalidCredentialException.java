package dev.gatehouse.gateway.http;

/** A request presented something credential-like that is unusable; the message is safe to show to the caller. */
public final class InvalidCredentialException extends RuntimeException {
  public InvalidCredentialException(String message) {
    super(message, null, false, false);
  }
}
