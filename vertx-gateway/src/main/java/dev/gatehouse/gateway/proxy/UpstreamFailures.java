package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.config.RouteConfig;
import dev.gatehouse.gateway.logging.Failures;
import dev.gatehouse.gateway.logging.RateLimitedLog;
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

  /** One line per route and outcome per interval, saying what to check; a stack trace only for the unexpected. */
  static void log(RateLimitedLog log, RouteConfig route, Answer answer, Throwable failure) {
    String key = route.prefix() + " " + answer.outcome();
    if (!Failures.isExpected(failure)) {
      log.error(key + " unexpected", "Upstream {} for {} failed unexpectedly; answered {}.", route.upstream(),
          route.prefix(), answer.status(), failure);
      return;
    }
    String reason = Failures.describe(failure);
    switch (answer.outcome()) {
      case "timeout" -> log.warn(key, "Upstream {} for {} timed out; answered 504. Check the service's health, or raise"
          + " the route's timeoutMillis ({} ms) if it is slow on purpose ({}).", route.upstream(), route.prefix(),
          route.timeoutMillis(), reason);
      case "busy" -> log.warn(key, "Upstream {} for {} has too many requests waiting; answered 503. Scale the service,"
          + " or raise upstream.poolSize or upstream.maxWaitQueue ({}).", route.upstream(), route.prefix(), reason);
      default -> log.warn(key, "Upstream {} for {} could not be reached; answered {}. Check that the service is up and"
          + " listening at {} ({}).", route.upstream(), route.prefix(), answer.status(), route.upstream(), reason);
    }
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
