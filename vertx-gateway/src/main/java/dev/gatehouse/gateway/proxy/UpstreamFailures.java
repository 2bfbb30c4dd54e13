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
    String advice = switch (answer.outcome()) {
      case "timeout" -> "went silent for " + route.timeoutMillis() + " ms; answered 504. Check the service's health,"
          + " or raise this route's timeoutMillis if it is slow on purpose";
      case "busy" -> "has too many requests waiting; answered 503. Scale the service, or raise upstream.poolSize"
          + " or upstream.maxWaitQueue";
      default -> "could not be reached; answered " + answer.status() + ". Check that the service is up and listening"
          + " at " + route.upstream();
    };
    log.warn(key, "Upstream {} for {} {} ({}).", route.upstream(), route.prefix(), advice, Failures.describe(failure));
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
