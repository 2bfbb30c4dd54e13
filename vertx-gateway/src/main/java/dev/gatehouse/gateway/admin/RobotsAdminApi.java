package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.reply.ErrorReply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Locale;
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
 * </pre>
 * Each call goes to the extension pack's {@code /admin/realms/{realm}/api-tokens} with the GATEWAY's service-account
 * token: the administrator's own token has no Keycloak admin role. That account holds only the realm role
 * {@value #ROBOT_MANAGER_ROLE}, which lets it manage robots and their tokens and nothing else (no people, no roles).
 */
public final class RobotsAdminApi {
  static final String ROBOT_MANAGER_ROLE = "gatehouse-robot-manager";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

  private final WebClient client;
  private final String apiTokensUrl;
  private final Supplier<Future<String>> serviceAccountToken;
  private final long timeoutMillis;

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
    answer.onComplete(result -> relay(ctx, result.failed() ? null : result.result(), result.cause()));
  }

  /** Keycloak's answer to the admin, never cached (it may hold a new token); failures say what to fix. */
  private static void relay(RoutingContext ctx, HttpResponse<Buffer> response, Throwable failure) {
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
    } else {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
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
