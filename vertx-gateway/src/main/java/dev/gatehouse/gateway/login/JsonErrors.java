package dev.gatehouse.gateway.login;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The short {"error","message"} body every login endpoint answers with when it refuses. */
final class JsonErrors {

  private JsonErrors() {}

  static void send(RoutingContext ctx, int status, String error, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(new JsonObject().put("error", error).put("message", message).encode());
  }
}
