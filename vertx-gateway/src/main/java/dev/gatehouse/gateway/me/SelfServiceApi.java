package dev.gatehouse.gateway.me;

import dev.gatehouse.gateway.admin.ActivitiesAdminApi;
import dev.gatehouse.gateway.admin.ExplainHandler;
import dev.gatehouse.gateway.admin.PermissionCatalog;
import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.credential.CredentialResult;
import dev.gatehouse.gateway.http.AccessGate;
import dev.gatehouse.gateway.http.Refusal;
import dev.gatehouse.gateway.http.SelfServicePaths;
import dev.gatehouse.gateway.policy.AccessPolicy;
import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.reply.ErrorReply;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The signed-in caller's own view, under {@value #MOUNT}, for every verified caller whatever their permissions: the
 * request pipeline skips the activity decision for these paths (see {@link SelfServicePaths}) but not the credential,
 * verification and revocation checks. Everything answered is about the caller's own token, so there is nothing here
 * an activity could usefully guard.
 * <pre>
 *   GET    /gatehouse/me                  who I am: roles, permissions, whether the admin API would let me in
 *   GET    /gatehouse/me/activities       the enforced activities my permissions allow
 *   POST   /gatehouse/me/explain          {"method","path"}: would I be allowed, and if not, what would allow it
 *   GET    /gatehouse/me/api-tokens       my API tokens (Keycloak), with last use
 *   POST   /gatehouse/me/api-tokens       {"name","expiresAt"?}: a new API token, shown in this answer only
 *   DELETE /gatehouse/me/api-tokens/{id}  revoke one
 * </pre>
 * Writes that ride the session cookie must carry {@link CookieWriteGuard#HEADER} (see {@link CookieWriteGuard}).
 */
public final class SelfServiceApi {
  public static final String MOUNT = SelfServicePaths.MOUNT;
  private static final int MAX_BODY_BYTES = 16 * 1024;
  private static final Pattern TOKEN_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final Pattern REALM_URL = Pattern.compile("(https?://[^/]+(?:/.*?)?)/realms/([^/]+)/?");

  private final AccessGate gate;
  private final CredentialExtractor credentials;
  private final ExplainHandler explain;
  /** Null when the gateway has no browser login (and so no Keycloak realm to manage API tokens at). */
  private final KeycloakApiTokens apiTokens;
  private final String adminConsoleUrl;
  private PermissionCatalog permissionCatalog;

  /**
   * @param keycloak  reaches Keycloak (the login's client), or null: no API-token endpoints
   * @param realmUrl  the realm's issuer URL, such as {@code http://keycloak:8080/realms/gatehouse}, or null
   */
  public SelfServiceApi(AccessGate gate, CredentialExtractor credentials, WebClient keycloak, String realmUrl) {
    this.gate = gate;
    this.credentials = credentials;
    this.explain = new ExplainHandler(gate);
    this.apiTokens = keycloak == null || realmUrl == null ? null : new KeycloakApiTokens(keycloak, realmUrl, 10_000);
    this.adminConsoleUrl = adminConsoleUrl(realmUrl);
  }

  /** Where "why was I denied?" asks which roles carry a permission; without it, the roles are reported unknown. */
  public SelfServiceApi withPermissionCatalog(PermissionCatalog catalog) {
    this.permissionCatalog = catalog;
    return this;
  }

  /** Adds the endpoints to the gateway's own router. */
  public void mount(Router router) {
    router.route(MOUNT + "/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.route(MOUNT + "/*").handler(new CookieWriteGuard(credentials));
    router.get(MOUNT).handler(ctx -> withCaller(ctx, (credential, token) -> whoAmI(ctx, credential, token)));
    router.get(MOUNT + "/activities").handler(ctx -> withCaller(ctx, (credential, token) -> myActivities(ctx, token)));
    router.post(MOUNT + "/explain").handler(ctx -> withCaller(ctx,
        (credential, token) -> explain.explainOwn(ctx, token.permissions(), permissionCatalog)));
    router.get(MOUNT + "/api-tokens").handler(ctx -> withTokenOwner(ctx,
        credential -> apiTokens.relay(ctx.request(), apiTokens.list(credential.token()))));
    router.post(MOUNT + "/api-tokens").handler(ctx -> withTokenOwner(ctx, credential -> {
      String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
      if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
        ErrorReply.send(ctx.request(), 415, "unsupported_media_type", "Send the new token's details as JSON"
            + " (Content-Type: application/json), such as {\"name\": \"my-script\"}.");
        return;
      }
      apiTokens.relay(ctx.request(), apiTokens.create(credential.token(), ctx.body().buffer()));
    }));
    router.delete(MOUNT + "/api-tokens/:id").handler(ctx -> withTokenOwner(ctx, credential -> {
      String id = ctx.pathParam("id");
      if (id == null || !TOKEN_ID.matcher(id).matches()) {
        ErrorReply.badRequest(ctx.request(), "An API token id is letters, digits and dashes, as listed by GET "
            + MOUNT + "/api-tokens.");
        return;
      }
      apiTokens.relay(ctx.request(), apiTokens.revoke(credential.token(), id));
    }));
  }

  private void whoAmI(RoutingContext ctx, Credential credential, VerifiedToken token) {
    AccessPolicy policy = gate.policy();
    // Asks the same activities the admin API is guarded by, so the console shows admin pages exactly when they work.
    boolean admin = policy.loaded()
        && policy.decide("GET", ActivitiesAdminApi.MOUNT + "/activities", token.permissions()).allowed();
    JsonObject out = new JsonObject()
        .put("sub", token.subject())
        .put("username", token.username())
        .put("email", token.email())
        .put("roles", sorted(token.roles()))
        .put("permissions", sorted(token.permissions()))
        .put("credential", token.apiTokenId() != null ? "api-token"
            : credential.source() == Credential.Source.COOKIE ? "cookie" : "bearer")
        .put("expiresAt", token.expiresAtEpochSecond())
        .put("admin", admin)
        .put("apiTokens", apiTokens != null);
    if (admin && adminConsoleUrl != null) {
      out.put("keycloakAdminConsole", adminConsoleUrl);
    }
    json(ctx, out);
  }

  private void myActivities(RoutingContext ctx, VerifiedToken token) {
    AccessPolicy policy = gate.policy();
    if (!policy.loaded()) {
      ErrorReply.unavailable(ctx.request(), "The activities are not loaded yet; try again shortly.");
      return;
    }
    JsonArray out = new JsonArray();
    for (Activity activity : policy.activities()) {
      if (activity.shadow()) {
        continue;
      }
      TreeSet<String> granting = new TreeSet<>(activity.permissions());
      granting.retainAll(token.permissions());
      if (!granting.isEmpty()) {
        out.add(new JsonObject().put("id", activity.id()).put("method", activity.method())
            .put("urlRegex", activity.urlRegex()).put("description", activity.description())
            .put("service", activity.service()).put("grantedBy", new JsonArray(List.copyOf(granting))));
      }
    }
    json(ctx, out);
  }

  /** The caller's credential and verified token (a verified-token cache hit: the pipeline verified it already). */
  private void withCaller(RoutingContext ctx, BiConsumer<Credential, VerifiedToken> then) {
    CredentialResult presented = credentials.extract(ctx.request().headers());
    if (!(presented instanceof CredentialResult.Found found)) {
      ErrorReply.missingCredential(ctx.request());
      return;
    }
    Credential credential = found.credential();
    Context context = Vertx.currentContext();
    gate.verify(credential.token()).onComplete(result -> {
      Runnable answer = () -> {
        if (result.failed()) {
          AccessGate.refusalOf(result.cause()).answer(ctx.request());
          return;
        }
        Refusal revoked = gate.revocationRefusal(result.result());
        if (revoked != null) {
          revoked.answer(ctx.request());
          return;
        }
        then.accept(credential, result.result());
      };
      if (context == null || Vertx.currentContext() == context) {
        answer.run();
      } else {
        context.runOnContext(v -> answer.run());
      }
    });
  }

  /** For API-token management: the caller must be signed in as themselves, not through an API token. */
  private void withTokenOwner(RoutingContext ctx, java.util.function.Consumer<Credential> then) {
    if (apiTokens == null) {
      ErrorReply.notFound(ctx.request(), "This gateway manages no API tokens (it has no browser login, so no"
          + " Keycloak realm is configured for it).");
      return;
    }
    withCaller(ctx, (credential, token) -> {
      if (token.apiTokenId() != null) {
        ErrorReply.send(ctx.request(), 403, "forbidden", "An API token cannot create, list or revoke API tokens."
            + " Sign in as yourself (for example in the console) to manage them.");
        return;
      }
      then.accept(credential);
    });
  }

  private static JsonArray sorted(java.util.Set<String> names) {
    return new JsonArray(List.copyOf(new TreeSet<>(names)));
  }

  private static void json(RoutingContext ctx, Object body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
  }

  /** Keycloak's admin console for the realm, from its issuer URL; null when the URL has no /realms/{name}. */
  static String adminConsoleUrl(String realmUrl) {
    if (realmUrl == null) {
      return null;
    }
    Matcher matcher = REALM_URL.matcher(realmUrl);
    return matcher.matches() ? matcher.group(1) + "/admin/" + matcher.group(2) + "/console/" : null;
  }
}
