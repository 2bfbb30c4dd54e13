package dev.gatehouse.gateway.login;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON answers of the login endpoints: never cached, errors as the short {"error","message"} body. */
final class JsonReplies {

  private JsonReplies() {}

  static void error(RoutingContext ctx, int status, String error, String message) {
    send(ctx, status, new JsonObject().put("error", error).put("message", message));
  }

  static void ok(RoutingContext ctx, JsonObject body) {
    send(ctx, 200, body);
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
