package dev.gatehouse.gateway.ops;

import dev.gatehouse.gateway.revocation.RevocationGuard;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * Liveness: the process answers. Readiness: it can decide requests, which needs signing keys and an activity
 * index; a load balancer should send no traffic before both are there. With live revocation, also a revocation
 * list fresh enough to serve (details: how stale it may be).
 */
public final class HealthHandlers {
  private final BooleanSupplier keysLoaded;
  private final BooleanSupplier activitiesLoaded;
  private final RevocationGuard revocations;

  public HealthHandlers(BooleanSupplier keysLoaded, BooleanSupplier activitiesLoaded) {
    this(keysLoaded, activitiesLoaded, RevocationGuard.alwaysFresh());
  }

  public HealthHandlers(BooleanSupplier keysLoaded, BooleanSupplier activitiesLoaded, RevocationGuard revocations) {
    this.keysLoaded = keysLoaded;
    this.activitiesLoaded = activitiesLoaded;
    this.revocations = revocations;
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
    String unavailable = revocations.unavailableReason();
    checks.put("revocations", unavailable == null ? "UP" : "DOWN: " + unavailable);
    java.time.Duration staleness = revocations.staleness();
    JsonObject details = new JsonObject()
        .put("revocations", new JsonObject()
            .put("stalenessSeconds", staleness == null ? null : staleness.toMillis() / 1000.0)
            .put("maxStalenessSeconds", revocations.maxStaleness().toSeconds())
            .put("whenStale", revocations.whenStale())
            .put("revokedKeys", revocations.state().size()));
    boolean up = keys && activities && unavailable == null;
    JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks)
        .put("details", details);
    send(ctx, up ? 200 : 503, body);
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }
}
