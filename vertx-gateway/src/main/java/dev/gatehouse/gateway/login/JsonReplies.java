package dev.gatehouse.gateway.login;

import dev.gatehouse.gateway.reply.ErrorReply;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON answers of the login endpoints: never cached, errors as the short {"error","message"} body. */
final class JsonReplies {

  private JsonReplies() {}

  /** Through the gateway's one error writer, so login errors look and close like every other refusal. */
  static void error(RoutingContext ctx, int status, String error, String message) {
    if (!ctx.response().ended()) {
      ErrorReply.send(ctx.request(), status, error, message);
    }
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
