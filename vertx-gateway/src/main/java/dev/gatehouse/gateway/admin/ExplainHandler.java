package dev.gatehouse.gateway.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.policy.AccessPolicy;
import dev.gatehouse.gateway.http.BadRequestTargetException;
import dev.gatehouse.gateway.reply.ErrorReply;
import dev.gatehouse.gateway.http.AccessGate;
import dev.gatehouse.gateway.http.Refusal;
import dev.gatehouse.gateway.http.RequestTarget;
import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.Decision;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code POST /gatehouse/admin/explain}: would the gateway let {@code method path} through for these permissions
 * (or for this token), and because of which activity? Decides exactly as the access gate does.
 */
public final class ExplainHandler implements Handler<RoutingContext> {
  private static final List<String> FIELDS = List.of("method", "path", "permissions", "token");
  private static final List<String> OWN_FIELDS = List.of("method", "path");
  /** The methods the gateway decides (others never reach a decision: RequestGuard answers 405 or 501). */
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  private static final String METHODS_TEXT = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

  private final AccessGate gate;

  /** {@code gate}: the same steps the request pipeline runs, so an explanation never disagrees with a request. */
  public ExplainHandler(AccessGate gate) {
    this.gate = gate;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Query query;
    try {
      query = query(JsonBody.object(ctx));
    } catch (AdminRequestException e) {
      AdminJson.fail(ctx, e);
      return;
    }
    AccessPolicy policy = gate.policy();
    if (!policy.loaded()) {
      ErrorReply.unavailable(ctx.request(), "The activities are not loaded yet; try again shortly.");
      return;
    }
    RequestTarget target;
    try {
      target = RequestTarget.parse(query.path());
    } catch (BadRequestTargetException e) {
      AdminJson.ok(ctx, 200, badTarget(e));
      return;
    }
    if (query.token() == null) {
      AdminJson.ok(ctx, 200, explained(policy, query.method(), target.path(), query.permissions()));
      return;
    }
    gate.verify(query.token()).onComplete(result -> {
      if (result.failed()) {
        Refusal refusal = AccessGate.refusalOf(result.cause());
        if (refusal.status() == 503) {
          ErrorReply.unavailable(ctx.request(), "The token could not be checked now: " + refusal.message());
        } else {
          AdminJson.ok(ctx, 200, refused(target.path(), refusal));
        }
        return;
      }
      // A revoked token, or a revocation list too stale to tell, is refused before any activity is consulted.
      Refusal revoked = gate.revocationRefusal(result.result());
      if (revoked != null) {
        AdminJson.ok(ctx, 200, refused(target.path(), revoked));
        return;
      }
      AdminJson.ok(ctx, 200, explained(policy, query.method(), target.path(), result.result().permissions()));
    });
  }

  /**
   * {@code POST /gatehouse/me/explain}: a signed-in caller asks about their own {@code permissions} (from their
   * verified token, never from the body, which holds only {@code method} and {@code path}). The same decision as
   * {@code /explain}; a denial also names the activities that would allow the request and their permissions.
   */
  public void explainOwn(RoutingContext ctx, Collection<String> permissions) {
    explainOwn(ctx, permissions, null);
  }

  /**
   * As {@link #explainOwn(RoutingContext, Collection)}; a denial's {@code wouldAllow} activities also name, per
   * permission, the realm roles that carry it ({@code rolesCarrying}), asked of {@code catalog}. When that cannot be
   * told (no catalog, Keycloak unreachable) the explanation still answers: {@code rolesCarrying} is null and
   * {@code rolesUnknown} says why.
   */
  public void explainOwn(RoutingContext ctx, Collection<String> permissions, PermissionCatalog catalog) {
    String method;
    String path;
    try {
      ObjectNode body = JsonBody.object(ctx);
      JsonFields.requireKnown(body, OWN_FIELDS, "An explain request");
      method = method(body);
      path = path(body);
    } catch (AdminRequestException e) {
      AdminJson.fail(ctx, e);
      return;
    }
    if (!loaded()) {
      ErrorReply.unavailable(ctx.request(), "The activities are not loaded yet; try again shortly.");
      return;
    }
    JsonObject out = explain(method, path, permissions);
    String normalized = out.getString("normalizedPath");
    if (!out.getBoolean("allowed") && normalized != null) {
      JsonArray wouldAllow = new JsonArray();
      for (Activity activity : gate.policy().matchingActivities(method, normalized)) {
        if (!activity.shadow()) {
          wouldAllow.add(AdminJson.toJson(activity));
        }
      }
      out.put("wouldAllow", wouldAllow);
      withRolesCarrying(wouldAllow, catalog).onComplete(done -> {
        if (done.failed()) {
          out.put("rolesUnknown", "Which roles carry these permissions cannot be told now: "
              + done.cause().getMessage() + ".");
        }
        AdminJson.ok(ctx, 200, out);
      });
      return;
    }
    AdminJson.ok(ctx, 200, out);
  }

  /** Most distinct permissions looked up for one explanation: bounds the calls to Keycloak per request. */
  private static final int MAX_ROLE_LOOKUPS = 16;

  /**
   * Puts {@code rolesCarrying} ({permission: [realm roles]}) on each activity of {@code wouldAllow}, or null on all
   * and fails when the roles cannot be told.
   */
  private static Future<Void> withRolesCarrying(JsonArray wouldAllow, PermissionCatalog catalog) {
    Set<String> wanted = new TreeSet<>();
    for (Object activity : wouldAllow) {
      for (Object permission : ((JsonObject) activity).getJsonArray("permissions")) {
        wanted.add((String) permission);
      }
    }
    Future<Map<String, List<String>>> lookup;
    if (wanted.isEmpty()) {
      lookup = Future.succeededFuture(Map.of());
    } else if (catalog == null) {
      lookup = Future.failedFuture(new PermissionCatalogUnavailableException("the gateway has no Keycloak permission"
          + " check configured (admin.permissionCheck)"));
    } else if (wanted.size() > MAX_ROLE_LOOKUPS) {
      lookup = Future.failedFuture(new PermissionCatalogUnavailableException("more than " + MAX_ROLE_LOOKUPS
          + " permissions would allow it; look them up in the Keycloak admin console"));
    } else {
      Map<String, Future<List<String>>> asked = new LinkedHashMap<>();
      wanted.forEach(permission -> asked.put(permission, catalog.rolesCarrying(permission)));
      lookup = Future.all(List.copyOf(asked.values())).map(all -> {
        Map<String, List<String>> roles = new LinkedHashMap<>();
        asked.forEach((permission, future) -> roles.put(permission, future.result()));
        return roles;
      });
    }
    return lookup.transform(result -> {
      for (Object item : wouldAllow) {
        JsonObject activity = (JsonObject) item;
        if (result.failed()) {
          activity.putNull("rolesCarrying");
          continue;
        }
        JsonObject carrying = new JsonObject();
        for (Object permission : activity.getJsonArray("permissions")) {
          carrying.put((String) permission, new JsonArray(result.result().get((String) permission)));
        }
        activity.put("rolesCarrying", carrying);
      }
      return result.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(result.cause());
    });
  }

  /** The enforced decision and, beside it, what the shadow activities would decide. */
  private static JsonObject explained(AccessPolicy policy, String method, String path,
      Collection<String> permissions) {
    Decision decision = policy.decide(method, path, permissions);
    Decision shadow = policy.shadowDecision(method, path, permissions, decision);
    return explanation(method, path, permissions, decision)
        .put("shadow", shadowExplanation(method, path, permissions, decision, shadow));
  }

  private static JsonObject refused(String path, Refusal refusal) {
    return new JsonObject().put("allowed", false).put("normalizedPath", path).putNull("decidingActivity")
        .put("reason", refusal.explanation());
  }

  /** False until the first activity index is loaded: nothing can be explained (or tested) yet. */
  boolean loaded() {
    return gate.policy().loaded();
  }

  /**
   * What {@code POST /explain} answers for {@code method rawPath} and these permissions: the same target parsing and
   * the same decision as a request. Policy tests use it so that their verdicts and reasons are explain's. Only call
   * when {@link #loaded()}.
   */
  JsonObject explain(String method, String rawPath, Collection<String> permissions) {
    RequestTarget target;
    try {
      target = RequestTarget.parse(rawPath);
    } catch (BadRequestTargetException e) {
      return badTarget(e);
    }
    return explained(gate.policy(), method, target.path(), permissions);
  }

  private static JsonObject badTarget(BadRequestTargetException e) {
    return new JsonObject().put("allowed", false).putNull("normalizedPath").putNull("decidingActivity")
        .put("reason", "The gateway answers 400 for this path: " + e.getMessage());
  }

  /** What to explain: exactly one of {@code permissions} and {@code token} is set. */
  record Query(String method, String path, Collection<String> permissions, String token) {}

  /** Reads the body strictly, like the activity endpoints: exact method, known fields, strings where strings go. */
  static Query query(ObjectNode body) {
    JsonFields.requireKnown(body, FIELDS, "An explain request");
    String method = method(body);
    String path = path(body);
    if (body.has("permissions") == body.has("token")) {
      throw AdminRequestException.badRequest("Send exactly one of \"permissions\" (a list of names) or \"token\" (an"
          + " access token as a string).");
    }
    if (body.has("token")) {
      String token = JsonFields.string(body, "token", true, "a compact access token (three dot-separated parts)");
      if (token.isEmpty()) {
        throw AdminRequestException.badRequest("\"token\" is empty; give a compact access token.");
      }
      return new Query(method, path, null, token);
    }
    return new Query(method, path, List.copyOf(JsonFields.permissionNames(body, "permissions", true)), null);
  }

  /**
   * What the shadow activities would change: null when none is loaded; else the would-be decision, whether it
   * differs from the enforced one, and which shadow activity would decide it.
   */
  static JsonObject shadowExplanation(String method, String path, Collection<String> permissions, Decision enforced,
      Decision shadow) {
    if (shadow == null) {
      return null;
    }
    boolean differs = shadow.allowed() != enforced.allowed();
    JsonObject out = new JsonObject().put("allowed", shadow.allowed()).put("differs", differs);
    Activity activity = differs ? shadow.decidingActivity() : null;
    if (activity != null) {
      out.put("decidingActivity", new JsonObject().put("id", activity.id()).put("method", activity.method())
          .put("urlRegex", activity.urlRegex()).put("shadow", true));
      out.put("reason", "Shadow activity " + activity.id() + " (" + activity.method() + " " + activity.urlRegex()
          + ") would allow this request once promoted; it is not enforced now.");
    } else {
      out.putNull("decidingActivity");
      out.put("reason", "The shadow activities would not change this decision.");
    }
    return out;
  }

  /** The {@code method} field: one of the methods the gateway decides, exactly as written. */
  static String method(ObjectNode body) {
    String method = JsonFields.string(body, "method", true, "the request's method, exactly one of " + METHODS_TEXT);
    if (!METHODS.contains(method)) {
      throw AdminRequestException.badRequest("\"method\" must be exactly one of " + METHODS_TEXT + " (upper case, no"
          + " spaces), got \"" + JsonBody.shorten(method) + "\".");
    }
    return method;
  }

  /** The {@code path} field: the request's path as a client would send it (normalised like a request's). */
  static String path(ObjectNode body) {
    String path = JsonFields.string(body, "path", true, "the request's path, such as \"/api/v1/roles\"");
    if (path.isEmpty()) {
      throw AdminRequestException.badRequest("\"path\" is empty; give the request's path, such as \"/api/v1/roles\".");
    }
    return path;
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
}
