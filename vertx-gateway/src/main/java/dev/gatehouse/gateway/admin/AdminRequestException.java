package dev.gatehouse.gateway.admin;

import io.vertx.core.json.JsonObject;

/**
 * An admin request refused before anything was changed: the status, the error code of the JSON error body, and a
 * message that says what was wrong and what to send instead.
 */
final class AdminRequestException extends RuntimeException {
  private final int status;
  private final String error;
  private final JsonObject details;

  AdminRequestException(int status, String error, String message) {
    this(status, error, message, null);
  }

  /** {@code details}: more fields for the JSON error body, for programs (e.g. the unknown permission names). */
  AdminRequestException(int status, String error, String message, JsonObject details) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
    this.details = details;
  }

  static AdminRequestException badRequest(String message) {
    return new AdminRequestException(400, "bad_request", message);
  }

  int status() {
    return status;
  }

  String error() {
    return error;
  }

  JsonObject details() {
    return details;
  }
}
