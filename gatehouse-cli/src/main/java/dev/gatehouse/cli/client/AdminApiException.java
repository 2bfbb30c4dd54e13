package dev.gatehouse.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.cli.ExitCode;

/**
 * The admin API refused a request or could not be reached. {@code status} is the HTTP status (0: no answer);
 * the message is the gateway's own, which says what was wrong and what to do.
 */
public final class AdminApiException extends RuntimeException {
  private final int status;
  private final JsonNode body;

  public AdminApiException(int status, String message, JsonNode body) {
    super(message, null, false, false);
    this.status = status;
    this.body = body;
  }

  public int status() {
    return status;
  }

  /** The JSON error body (null when there was none), e.g. with {@code unknownPermissions}. */
  public JsonNode body() {
    return body;
  }

  public int exitCode() {
    if (status == 401 || status == 403) {
      return ExitCode.NOT_AUTHORIZED;
    }
    if (status == 0 || status >= 500) {
      return ExitCode.UNAVAILABLE;
    }
    return ExitCode.REFUSED;
  }
}
