package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.http.AccessPolicy;
import dev.gatehouse.gateway.http.BadRequestTargetException;
import dev.gatehouse.gateway.http.ErrorResponses;
import dev.gatehouse.gateway.http.RequestTarget;
import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.Decision;
import dev.gatehouse.gateway.token.TokenRejectedException;
import dev.gatehouse.gateway.token.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code POST /gatehouse/admin/explain}: would the gateway let {@code method path} through for these permissions
 * (or for this token), and because of which activity? Decides exactly as the access gate does.
 */
public final class ExplainHandler implements Handler<RoutingContext> {
  private final AccessPolicy policy;
  private final TokenVerifier verifier;
  private final Function<String, RequestTarget> targetParser;

  public ExplainHandler(AccessPolicy policy, TokenVerifier verifier, Function<String, RequestTarget> targetParser) {
    this.policy = policy;
    this.verifier = verifier;
    this.targetParser = targetParser;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject body = AdminJson.bodyObject(ctx);
    if (body == null) {
      return;
    }
    if (!(body.getValue("method") instanceof String method) || method.isBlank()
        || !(body.getValue("path") instanceof String path) || path.isBlank()) {
      ErrorResponses.badRequest(ctx, "Send {\"method\": \"GET\", \"path\": \"/api/...\"} plus either "
          + "\"permissions\": [...] or \"token\": \"...\".");
      return;
    }
    Object permissions = body.getValue("permissions");
    Object token = body.getValue("token");
    if ((permissions == null) == (token == null)) {
      ErrorResponses.badRequest(ctx, "Send exactly one of \"permissions\" (a list) or \"token\" (a string).");
      return;
    }
    if (!policy.loaded()) {
      ErrorResponses.unavailable(ctx, "The activities are not loaded yet; try again shortly.");
      return;
    }
    String upperMethod = method.trim().toUpperCase(Locale.ROOT);
    RequestTarget target;
    try {
      target = targetParser.apply(path);
    } catch (BadRequestTargetException e) {
      AdminJson.ok(ctx, 200, new JsonObject().put("allowed", false).putNull("normalizedPath")
          .putNull("decidingActivity").put("reason", "The gateway answers 400 for this path: " + e.getMessage()));
      return;
    }
    permissionsOf(permissions, token).onComplete(result -> {
      if (result.failed()) {
        if (result.cause() instanceof IllegalArgumentException e) {
          ErrorResponses.badRequest(ctx, e.getMessage());
        } else if (result.cause() instanceof TokenRejectedException e) {
          AdminJson.ok(ctx, 200, new JsonObject().put("allowed", false).put("normalizedPath", target.path())
              .putNull("decidingActivity").put("reason", "The gateway answers 401: the token is rejected: "
                  + e.getMessage()));
        } else {
          ErrorResponses.unavailable(ctx, "The token could not be checked now: " + result.cause().getMessage());
        }
        return;
      }
      Decision decision = policy.decide(upperMethod, target.path(), result.result());
      AdminJson.ok(ctx, 200, explanation(upperMethod, target.path(), result.result(), decision));
    });
  }

  static JsonObject explanation(String method, String path, Collection<String> permissions, Decision decision) {
    JsonObject out = new JsonObject().put("allowed", decision.allowed()).put("normalizedPath", path);
    Activity activity = decision.decidingActivity();
    if (decision.allowed() && activity != null) {
      List<String> granting = new ArrayList<>(permissions);
      granting.retainAll(activity.permissions());
      out.put("decidingActivity", new JsonObject().put("id", activity.id()).put("method", activity.method())
          .put("urlRegex", activity.urlRegex()));
      out.put("reason", "Activity " + activity.id() + " (" + activity.method() + " " + activity.urlRegex()
          + ") matches and is linked to " + String.join(", ", granting.stream().sorted().toList()) + ".");
    } else {
      out.putNull("decidingActivity");
      out.put("reason", "No activity for " + method + " matching " + path + " is linked to any of the "
          + permissions.size() + " permission(s) given.");
    }
    return out;
  }

  private Future<Collection<String>> permissionsOf(Object permissions, Object token) {
    if (token != null) {
      if (!(token instanceof String compact) || compact.isBlank()) {
        return Future.failedFuture(new IllegalArgumentException("\"token\" must be a compact JWT string."));
      }
      return verifier.verify(compact.trim()).map(verified -> verified.permissions());
    }
    if (!(permissions instanceof JsonArray array)) {
      return Future.failedFuture(new IllegalArgumentException("\"permissions\" must be a list of names."));
    }
    List<String> names = new ArrayList<>();
    for (Object item : array) {
      if (!(item instanceof String name)) {
        return Future.failedFuture(new IllegalArgumentException("\"permissions\" must hold strings only."));
      }
      names.add(name);
    }
    return Future.succeededFuture(names);
  }
}
