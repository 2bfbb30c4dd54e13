package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.policy.AccessPolicy;
import dev.gatehouse.gateway.reply.ErrorReply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Robot users for the console, under the admin API (guarded like every admin endpoint: an activity must allow it):
 * <pre>
 *   GET    /gatehouse/admin/robots                        the realm's robot users
 *   POST   /gatehouse/admin/robots                        {"username","description"?}: a new robot
 *   GET    /gatehouse/admin/robots/{id}/tokens            its API tokens (never the secrets)
 *   POST   /gatehouse/admin/robots/{id}/tokens            {"name","expiresAt"?}: a new token, shown in this answer only
 *   DELETE /gatehouse/admin/robots/{id}/tokens/{tokenId}  revoke one
 *   GET    /gatehouse/admin/robots/{id}/roles             its realm roles, and those it may be given
 *   PUT    /gatehouse/admin/robots/{id}/roles/{role}      give it a realm role
 *   DELETE /gatehouse/admin/robots/{id}/roles/{role}      take one
 * </pre>
 * Roles are for robots only (the pack refuses a person), never the realm's default role, a role carrying Keycloak
 * administration rights, or Gatehouse's reserved service-account roles (the pack decides, see its RobotRoles). This
 * gateway also refuses to give a role whose permissions open its own admin API (the activities guarding
 * {@value ActivitiesAdminApi#MOUNT}): a robot's API token, held by a third party, must not administer Gatehouse.
 * The pack does not know this gateway's activities, so every role listing it answers (GET, and the answers to PUT and
 * DELETE) is marked here: an assignable role this gateway refuses gets {@code "refused": why}, one it cannot check
 * now {@code "unchecked": why} (giving it is then refused with 503), by the same {@link RobotRoleGuard} as PUT.
 * Each call goes to the extension pack's {@code /admin/realms/{realm}/api-tokens} with the GATEWAY's service-account
 * token: the administrator's own token has no Keycloak admin role. That account holds only the realm role
 * {@value #ROBOT_MANAGER_ROLE}, which lets it manage robots and their tokens and nothing else (no people, no roles).
 */
public final class RobotsAdminApi {
  static final String ROBOT_MANAGER_ROLE = "gatehouse-robot-manager";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  /** Realm role names as the console and Keycloak's defaults make them (no '/', no controls). */
  private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,254}");

  private final WebClient client;
  private final String apiTokensUrl;
  private final Supplier<Future<String>> serviceAccountToken;
  private final long timeoutMillis;
  /** Without {@link #withRoleGuard} no role can be given: nothing tells whether it would open the admin API. */
  private RobotRoleGuard roleGuard = new RobotRoleGuard(null, null);

  /**
   * @param adminRealmUrl        such as {@code http://keycloak:8080/admin/realms/gatehouse}
   * @param serviceAccountToken  the gateway's own client-credentials token (cached by its source)
   */
  public RobotsAdminApi(WebClient client, String adminRealmUrl, Supplier<Future<String>> serviceAccountToken,
      long timeoutMillis) {
    this.client = client;
    this.apiTokensUrl = adminRealmUrl + "/api-tokens";
    this.serviceAccountToken = serviceAccountToken;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Lets administrators give robots roles: {@code permissions} tells a role's effective permissions and {@code policy}
   * whether they would open the admin API (the same question the console's {@code admin} flag asks).
   */
  public RobotsAdminApi withRoleGuard(PermissionCatalog permissions, Supplier<AccessPolicy> policy) {
    this.roleGuard = new RobotRoleGuard(permissions, policy);
    return this;
  }

  /** Adds the endpoints to the admin sub-router (paths relative to its mount). */
  void addTo(Router router) {
    router.get("/robots").handler(ctx -> call(ctx, HttpMethod.GET, apiTokensUrl + "/robots", false));
    router.post("/robots").handler(ctx -> call(ctx, HttpMethod.POST, apiTokensUrl + "/robots", true));
    router.get("/robots/:id/tokens").handler(ctx -> withId(ctx, id ->
        call(ctx, HttpMethod.GET, apiTokensUrl + "/users/" + id, false)));
    router.post("/robots/:id/tokens").handler(ctx -> withId(ctx, id ->
        call(ctx, HttpMethod.POST, apiTokensUrl + "/users/" + id + "/tokens", true)));
    router.delete("/robots/:id/tokens/:tokenId").handler(ctx -> withId(ctx, id -> {
      String tokenId = ctx.pathParam("tokenId");
      if (tokenId == null || !ID.matcher(tokenId).matches()) {
        ErrorReply.badRequest(ctx.request(), "An API token id is letters, digits and dashes, as listed by GET "
            + ActivitiesAdminApi.MOUNT + "/robots/" + id + "/tokens.");
        return;
      }
      call(ctx, HttpMethod.DELETE, apiTokensUrl + "/users/" + id + "/" + tokenId, false);
    }));
    router.get("/robots/:id/roles").handler(ctx -> withId(ctx, id ->
        call(ctx, HttpMethod.GET, apiTokensUrl + "/robots/" + id + "/roles", false, this::markRoles)));
    router.put("/robots/:id/roles/:role").handler(ctx -> withId(ctx, id -> withRole(ctx, role ->
        grantable(ctx, role, () -> call(ctx, HttpMethod.PUT, rolesUrl(id, role), false, this::markRoles)))));
    // Taking a role away only lowers what the robot can do: no guard beyond the pack's.
    router.delete("/robots/:id/roles/:role").handler(ctx -> withId(ctx, id -> withRole(ctx, role ->
        call(ctx, HttpMethod.DELETE, rolesUrl(id, role), false, this::markRoles))));
  }

  private String rolesUrl(String id, String role) {
    return apiTokensUrl + "/robots/" + id + "/roles/" + URLEncoder.encode(role, StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  private static void withRole(RoutingContext ctx, java.util.function.Consumer<String> then) {
    String role = ctx.pathParam("role");
    if (role == null || !ROLE.matcher(role).matches()) {
      ErrorReply.badRequest(ctx.request(), "A realm role name is letters, digits, '.', '_', ':', '@' and '-', as"
          + " listed by GET " + ActivitiesAdminApi.MOUNT + "/robots/{id}/roles.");
      return;
    }
    if (ctx.body().buffer() != null && ctx.body().buffer().length() > 0) {
      ErrorReply.badRequest(ctx.request(), "This endpoint takes no request body; the role is named in the path.");
      return;
    }
    then.accept(role);
  }

  /** Runs {@code then} unless {@code role}'s permissions would open this gateway's admin API (then 403). */
  private void grantable(RoutingContext ctx, String role, Runnable then) {
    roleGuard.check(role).onSuccess(verdict -> {
      switch (verdict.outcome()) {
        case GRANTABLE -> then.run();
        case OPENS_ADMIN_API -> ErrorReply.send(ctx.request(), 403, "role_not_assignable", "'" + role + "' "
            + RobotRoleGuard.OPENS_ADMIN_API + ": a robot's API token, held by a third party, must not administer"
            + " Gatehouse. Give the robot a role with only the permissions its calls need.");
        case NO_SUCH_ROLE -> ErrorReply.notFound(ctx.request(), "There is no realm role named '" + role + "'. Pick one"
            + " of the roles listed as assignable.");
        case UNCHECKED -> ErrorReply.unavailable(ctx.request(), "This gateway cannot check now whether the role '"
            + role + "' would open its admin API (" + verdict.reason() + "), so no role was given. Try again shortly.");
      }
    });
  }

  /**
   * The pack's role listing ({@code {"robot", "assigned": [{"name", "description"}], "assignable": [...]}}) with each
   * assignable role this gateway would not give marked, and each assigned role that opens the admin API warned of
   * ({@code "warning"}). Roles are checked in parallel, each name once (a held role is usually listed as assignable
   * too). An answer of another shape is relayed as it came (the console then shows the pack's listing, and PUT still
   * guards every role).
   */
  private Future<Buffer> markRoles(Buffer body) {
    JsonObject listing;
    JsonArray assignable;
    try {
      listing = body.toJsonObject();
      assignable = listing.getJsonArray("assignable");
    } catch (DecodeException | ClassCastException e) {
      return Future.succeededFuture(body);
    }
    if (assignable == null) {
      return Future.succeededFuture(body);
    }
    JsonArray assigned = listing.getValue("assigned") instanceof JsonArray held ? held : new JsonArray();
    Map<String, Future<RobotRoleGuard.Verdict>> verdicts = new HashMap<>();
    List<Future<Void>> marked = new ArrayList<>();
    mark(assignable, verdicts, marked, RobotsAdminApi::markOffered);
    mark(assigned, verdicts, marked, RobotsAdminApi::warnIfItOpensTheAdminApi);
    return Future.all(marked).map(all -> listing.toBuffer());
  }

  /** Checks each named role of {@code roles} (a name already in {@code verdicts} is not asked again), then marks it. */
  private void mark(JsonArray roles, Map<String, Future<RobotRoleGuard.Verdict>> verdicts, List<Future<Void>> marked,
      BiConsumer<JsonObject, RobotRoleGuard.Verdict> marker) {
    for (Object entry : roles) {
      if (entry instanceof JsonObject role && role.getValue("name") instanceof String name) {
        marked.add(verdicts.computeIfAbsent(name, roleGuard::check).map(verdict -> {
          marker.accept(role, verdict);
          return null;
        }));
      }
    }
  }

  /** An offered role this gateway would not give: why, so the console shows it disabled. */
  private static void markOffered(JsonObject role, RobotRoleGuard.Verdict verdict) {
    switch (verdict.outcome()) {
      case GRANTABLE -> { }
      case OPENS_ADMIN_API -> role.put("refused", RobotRoleGuard.OPENS_ADMIN_API + ": a robot's API token must not"
          + " administer Gatehouse");
      case NO_SUCH_ROLE -> role.put("refused", "Keycloak has no realm role by this name any more");
      case UNCHECKED -> role.put("unchecked", "this gateway cannot tell now whether it would open its admin API ("
          + verdict.reason() + "), so it is not given until it can. Try again shortly.");
    }
  }

  /**
   * A held role given outside this gateway (Keycloak's own console) may already open the admin API: say so, since
   * the robot's tokens can then administer Gatehouse until the role is taken away.
   */
  private static void warnIfItOpensTheAdminApi(JsonObject role, RobotRoleGuard.Verdict verdict) {
    if (verdict.outcome() == RobotRoleGuard.Outcome.OPENS_ADMIN_API) {
      role.put("warning", RobotRoleGuard.OPENS_ADMIN_API + ": this robot's API tokens can administer Gatehouse until"
          + " the role is taken away");
    }
  }

  private static void withId(RoutingContext ctx, java.util.function.Consumer<String> then) {
    String id = ctx.pathParam("id");
    if (id == null || !ID.matcher(id).matches()) {
      ErrorReply.badRequest(ctx.request(), "A robot id is letters, digits and dashes, as listed by GET "
          + ActivitiesAdminApi.MOUNT + "/robots.");
      return;
    }
    then.accept(id);
  }

  private void call(RoutingContext ctx, HttpMethod method, String url, boolean withBody) {
    call(ctx, method, url, withBody, null);
  }

  /** {@code edit}, when not null, rewrites a successful answer's body before it is relayed (if it fails: 503). */
  private void call(RoutingContext ctx, HttpMethod method, String url, boolean withBody,
      Function<Buffer, Future<Buffer>> edit) {
    Buffer body = null;
    if (withBody) {
      String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
      if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
        ErrorReply.send(ctx.request(), 415, "unsupported_media_type", "Send the details as JSON (Content-Type:"
            + " application/json), such as {\"username\": \"partner-acme\"} or {\"name\": \"acme-sync\"}.");
        return;
      }
      body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    }
    Buffer sent = body;
    Future<HttpResponse<Buffer>> answer = serviceAccountToken.get().compose(bearer -> {
      HttpRequest<Buffer> request = client.requestAbs(method, url)
          .putHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + bearer)
          .putHeader(HttpHeaders.ACCEPT.toString(), "application/json")
          .timeout(timeoutMillis);
      return sent == null ? request.send()
          : request.putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json").sendBuffer(sent);
    });
    answer.onComplete(result -> relay(ctx, result.failed() ? null : result.result(), result.cause(), edit));
  }

  /** Keycloak's answer to the admin, never cached (it may hold a new token); failures say what to fix. */
  private static void relay(RoutingContext ctx, HttpResponse<Buffer> response, Throwable failure,
      Function<Buffer, Future<Buffer>> edit) {
    if (response == null) {
      String why = failure == null ? "no answer" : failure.getMessage();
      ErrorReply.unavailable(ctx.request(), "Keycloak cannot manage robot users right now (" + why + "); nothing"
          + " was changed. Try again shortly.");
      return;
    }
    int status = response.statusCode();
    if (status >= 500 || status < 200 || (status >= 300 && status < 400)) {
      ErrorReply.send(ctx.request(), 502, "bad_gateway", "Keycloak answered " + status + " to the robot-users"
          + " request; try again shortly, and tell an operator if it persists.");
      return;
    }
    if (status >= 400) {
      String message = keycloakMessage(response.body());
      // The pack's own refusals (a person, not a robot) say access_denied; Keycloak's generic 403 means the grant.
      if (status == 401 || (status == 403 && !"access_denied".equals(keycloakError(response.body())))) {
        // Keycloak refused the gateway itself, not the administrator: an operator must fix the grant.
        ErrorReply.send(ctx.request(), 503, "robots_unavailable", "Keycloak refused the gateway's service account"
            + " (HTTP " + status + "): give the service account of the gateway's client the realm role "
            + ROBOT_MANAGER_ROLE + " and install this version of the Gatehouse extension pack. Nothing was changed.");
        return;
      }
      ErrorReply.send(ctx.request(), status, status == 404 ? "not_found" : "refused_by_keycloak",
          message == null ? "Keycloak refused the request (" + status + ")." : message);
      return;
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    Buffer body = response.body();
    if (body == null || body.length() == 0) {
      ctx.response().end();
      return;
    }
    (edit == null ? Future.succeededFuture(body) : edit.apply(body)).onComplete(edited -> {
      if (edited.failed()) {
        // Never relay the unmarked listing: it would offer roles this gateway refuses as if they were fine.
        ErrorReply.unavailable(ctx.request(), "This gateway could not check Keycloak's answer (" + edited.cause()
            + "); try again shortly.");
        return;
      }
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(edited.result());
    });
  }

  private static String keycloakError(Buffer body) {
    try {
      return body == null || body.length() == 0 ? null : body.toJsonObject().getString("error");
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  /** The pack answers {@code {"error", "error_description"}}; null when the body says nothing usable. */
  private static String keycloakMessage(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      JsonObject json = body.toJsonObject();
      String description = json.getString("error_description");
      return description != null ? description : json.getString("errorMessage", json.getString("error"));
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }
}
