package dev.gatehouse.gateway.ops;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * Liveness: the process answers. Readiness: it can decide requests, which needs signing keys and an activity
 * index; a load balancer should send no traffic before both are there.
 */
public final class HealthHandlers {
  private final BooleanSupplier keysLoaded;
  private final BooleanSupplier activitiesLoaded;

  public HealthHandlers(BooleanSupplier keysLoaded, BooleanSupplier activitiesLoaded) {
    this.keysLoaded = keysLoaded;
    this.activitiesLoaded = activitiesLoaded;
  }

  public void live(RoutingContext ctx) {
    send(ctx, 200, new JsonObject().put("status", "UP"));
  }

  public void ready(RoutingContext ctx) {
    boolean keys = keysLoaded.getAsBoolean();
    boolean activities = activitiesLoaded.getAsBoolean();
    JsonObject checks = new JsonObject()
        .put("signingKeys", keys ? "UP" : "DOWN: no signing key has been loaded from the issuer's JWKS yet")
        .put("activityIndex", activities ? "UP" : "DOWN: the activities have not been loaded from PostgreSQL yet");
    JsonObject body = new JsonObject().put("status", keys && activities ? "UP" : "DOWN").put("checks", checks);
    send(ctx, keys && activities ? 200 : 503, body);
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }
}
