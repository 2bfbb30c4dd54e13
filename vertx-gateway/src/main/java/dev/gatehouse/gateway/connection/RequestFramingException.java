package dev.gatehouse.gateway.connection;

/**
 * Request framing the gateway refuses to interpret (RFC 9112 sections 6 and 7): the message says what was wrong and
 * is sent to the client in the 400 answer. Thrown inside the HTTP decoder, so it carries no stack trace.
 */
public final class RequestFramingException extends IllegalArgumentException {
  public RequestFramingException(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
