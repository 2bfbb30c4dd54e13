package dev.gatehouse.gateway.proxy;

import io.vertx.core.http.ConnectionPoolTooBusyException;
import java.util.concurrent.TimeoutException;

/** Maps why an upstream exchange failed to the gateway's answer. */
final class UpstreamFailures {
  private UpstreamFailures() {}

  record Answer(int status, String error, String message, String outcome) {}

  static Answer of(Throwable failure, String routePrefix) {
    if (isTimeout(failure)) {
      return new Answer(504, "gateway_timeout", "The service behind " + routePrefix + " did not answer in time.",
          "timeout");
    }
    if (failure instanceof ConnectionPoolTooBusyException) {
      return new Answer(503, "unavailable", "Too many requests are waiting for the service behind " + routePrefix
          + "; try again shortly.", "busy");
    }
    return new Answer(502, "bad_gateway", "The service behind " + routePrefix + " could not be reached.", "error");
  }

  private static boolean isTimeout(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
        return true;
      }
    }
    return false;
  }
}
