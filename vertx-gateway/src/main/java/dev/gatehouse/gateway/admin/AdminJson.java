package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.policy.ActivityNotFoundException;

import dev.gatehouse.gateway.policy.ActivityChangedException;
import dev.gatehouse.gateway.policy.ActivityConflictException;

import dev.gatehouse.gateway.reply.ErrorReply;
import dev.gatehouse.gateway.logging.Failures;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.InvalidActivityException;
import dev.gatehouse.gateway.policy.Service;
import dev.gatehouse.gateway.policy.ServiceChangedException;
import dev.gatehouse.gateway.policy.ServiceConflictException;
import dev.gatehouse.gateway.policy.ServiceNotFoundException;
import io.vertx.core.http.HttpHeaders;
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
        .put("permissions", new JsonArray(new TreeSet<>(activity.permissions()).stream().toList()))
        .put("service", activity.service())
        .put("shadow", activity.shadow());
  }

  static JsonObject toJson(Service service) {
    Service.HealthCheck check = service.healthCheck();
    return new JsonObject()
        .put("name", service.name())
        .put("routePrefix", service.routePrefix())
        .put("upstreams", new JsonArray(service.upstreams().stream().map(Object::toString).toList()))
        .put("routedBy", ServicesAdminApi.routedBy(service.routedByConfiguration()))
        .put("timeoutMillis", service.timeoutMillis())
        .put("healthCheck", check == null ? null
            : new JsonObject().put("path", check.path()).put("intervalMillis", check.intervalMillis()))
        .put("description", service.description());
  }

  /** One service, with its ETag (for a later If-Match). */
  static void ok(RoutingContext ctx, int status, Service service) {
    ctx.response().putHeader(HttpHeaders.ETAG, EntityTags.of(service.revision()));
    ok(ctx, status, toJson(service));
  }

  static void ok(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
  }

  /** One activity, with its ETag (for a later If-Match). */
  static void ok(RoutingContext ctx, int status, Activity activity) {
    ctx.response().putHeader(HttpHeaders.ETAG, EntityTags.of(activity));
    ok(ctx, status, toJson(activity));
  }

  static void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof AdminRequestException refused) {
      if (refused.details() == null) {
        ErrorReply.send(ctx.request(), refused.status(), refused.error(), refused.getMessage());
      } else {
        ok(ctx, refused.status(), new JsonObject().put("error", refused.error()).put("message", refused.getMessage())
            .mergeIn(refused.details()));
      }
    } else if (failure instanceof InvalidActivityException || failure instanceof IllegalArgumentException) {
      ErrorReply.badRequest(ctx.request(), failure.getMessage());
    } else if (failure instanceof ActivityNotFoundException || failure instanceof ServiceNotFoundException) {
      ErrorReply.notFound(ctx.request(), failure.getMessage());
    } else if (failure instanceof ActivityConflictException || failure instanceof ServiceConflictException) {
      ErrorReply.send(ctx.request(), 409, "conflict", failure.getMessage());
    } else if (failure instanceof ActivityChangedException changed) {
      ctx.response().putHeader(HttpHeaders.ETAG, EntityTags.of(changed.currentRevision()));
      ErrorReply.send(ctx.request(), 412, "precondition_failed", failure.getMessage());
    } else if (failure instanceof ServiceChangedException changed) {
      ctx.response().putHeader(HttpHeaders.ETAG, EntityTags.of(changed.currentRevision()));
      ErrorReply.send(ctx.request(), 412, "precondition_failed", failure.getMessage());
    } else if (failure instanceof PermissionCatalogUnavailableException) {
      ErrorReply.unavailable(ctx.request(), "The permission names could not be checked: " + failure.getMessage()
          + ". Nothing was changed. Try again shortly, or repeat the request with ?"
          + ActivitiesAdminApi.ALLOW_UNKNOWN_PERMISSIONS + "=true to store the names unchecked.");
    } else if (Failures.isExpected(failure)) {
      // PostgreSQL down or unreachable: an operational condition, one line per interval, no stack trace.
      STORE_DOWN.warn("store-unavailable", "Admin {} {} answered 503: the activity store (PostgreSQL) is unavailable:"
          + " {}. Check that PostgreSQL is up and reachable; meanwhile the last loaded activity index keeps serving.",
          ctx.request().method(), ctx.request().path(), Failures.describe(failure));
      ErrorReply.send(ctx.request(), 503, "unavailable", "The activity store could not complete the request; try again.");
    } else {
      LOG.error("Admin request {} {} failed", ctx.request().method(), ctx.request().path(), failure);
      ErrorReply.send(ctx.request(), 503, "unavailable", "The activity store could not complete the request; try again.");
    }
  }
}
