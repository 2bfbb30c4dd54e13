package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.policy.ActivityNotFoundException;

import dev.gatehouse.gateway.policy.ActivityConflictException;

import dev.gatehouse.gateway.http.ErrorResponses;
import dev.gatehouse.gateway.logging.Failures;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.InvalidActivityException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON in and out for the admin API, and the mapping of its failures to status codes. */
final class AdminJson {
  private static final Logger LOG = LoggerFactory.getLogger(AdminJson.class);
  private static final RateLimitedLog STORE_DOWN = RateLimitedLog.of(LOG);

  private AdminJson() {}

  static JsonObject toJson(Activity activity) {
    return new JsonObject()
        .put("id", activity.id())
        .put("method", activity.method())
        .put("urlRegex", activity.urlRegex())
        .put("description", activity.description())
        .put("permissions", new JsonArray(new TreeSet<>(activity.permissions()).stream().toList()));
  }

  /** The request body as an object; answers 400 itself and returns null when it is not one. */
  static JsonObject bodyObject(RoutingContext ctx) {
    String text = ctx.body().asString();
    if (text == null || text.isBlank()) {
      ErrorResponses.badRequest(ctx, "Send a JSON object as the request body.");
      return null;
    }
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(text);
      if (parsed instanceof JsonObject object) {
        return object;
      }
      ErrorResponses.badRequest(ctx, "The request body must be a JSON object, not " + kind(parsed) + ".");
    } catch (DecodeException e) {
      ErrorResponses.badRequest(ctx, "The request body is not valid JSON: " + firstLine(e.getMessage()));
    }
    return null;
  }

  static void ok(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
  }

  static void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof InvalidActivityException || failure instanceof IllegalArgumentException) {
      ErrorResponses.badRequest(ctx, failure.getMessage());
    } else if (failure instanceof ActivityNotFoundException) {
      ErrorResponses.notFound(ctx, failure.getMessage());
    } else if (failure instanceof ActivityConflictException) {
      ErrorResponses.send(ctx, 409, "conflict", failure.getMessage());
    } else if (Failures.isExpected(failure)) {
      // PostgreSQL down or unreachable: an operational condition, one line per interval, no stack trace.
      STORE_DOWN.warn("store-unavailable", "Admin {} {} answered 503: the activity store (PostgreSQL) is unavailable:"
          + " {}. Check that PostgreSQL is up and reachable; meanwhile the last loaded activity index keeps serving.",
          ctx.request().method(), ctx.request().path(), Failures.describe(failure));
      ErrorResponses.send(ctx, 503, "unavailable", "The activity store could not complete the request; try again.");
    } else {
      LOG.error("Admin request {} {} failed", ctx.request().method(), ctx.request().path(), failure);
      ErrorResponses.send(ctx, 503, "unavailable", "The activity store could not complete the request; try again.");
    }
  }

  private static String kind(Object value) {
    return value == null ? "null" : value instanceof JsonArray ? "an array" : "a " + value.getClass().getSimpleName();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
