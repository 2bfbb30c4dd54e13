package dev.gatehouse.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Permissions are the client roles of one Keycloak client ({@code gatehouse-permissions}). This reads them on every
 * check from the extension pack's {@code GET /realms/{realm}/gatehouse-permissions}, non-blocking, so a permission
 * created a second ago is known: admin writes are rare, a stale list is not worth its cache. That endpoint needs only
 * the realm role {@code gatehouse-permission-reader}; Keycloak's admin API would need {@code view-clients}, which also
 * shows every client's secret. The service-account token is reused until shortly before it expires.
 */
public final class KeycloakPermissionCatalog implements PermissionCatalog {
  /** A token is not reused in its last seconds: it could expire on the way. */
  private static final long TOKEN_MARGIN_SECONDS = 10;
  /** The realm role the endpoint requires (keycloak-providers' {@code PermissionCatalogResource.READER_ROLE}). */
  static final String READER_ROLE = "gatehouse-permission-reader";

  private record CachedToken(String value, long validUntilNanos) {}

  private final WebClient client;
  private final PermissionCheckOptions options;
  private final AtomicReference<CachedToken> token = new AtomicReference<>();

  public KeycloakPermissionCatalog(WebClient client, PermissionCheckOptions options) {
    this.client = client;
    this.options = options;
  }

  @Override
  public String source() {
    return "the client roles of client '" + options.permissionsClient() + "' in Keycloak realm '" + options.realm()
        + "'";
  }

  @Override
  public Future<Set<String>> unknown(Set<String> names) {
    if (names.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    String missing = options.missingSetting();
    if (missing != null) {
      return Future.failedFuture(new PermissionCatalogUnavailableException(missing));
    }
    return permissions(true).map(known -> {
      Set<String> unknown = new LinkedHashSet<>(names);
      unknown.removeAll(known);
      return unknown;
    });
  }

  private Future<Set<String>> permissions(boolean retryWithNewToken) {
    return accessToken()
        .compose(bearer -> client.getAbs(options.permissionsUrl())
            .timeout(options.httpTimeoutMillis())
            .putHeader("Accept", "application/json")
            .bearerTokenAuthentication(bearer)
            .send()
            .recover(this::unreachable))
        .compose(this::permissionNames)
        .recover(failure -> {
          if (retryWithNewToken && failure instanceof TokenRejected) {
            // Keycloak no longer takes the cached token (restarted, session ended): one retry with a fresh one.
            token.set(null);
            return permissions(false);
          }
          return Future.failedFuture(failure instanceof TokenRejected rejected
              ? new PermissionCatalogUnavailableException(rejected.getMessage()) : failure);
        });
  }

  /** The names in Keycloak's answer, or a failure that says what to fix. */
  private Future<Set<String>> permissionNames(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    Object parsed = parse(response.bodyAsString());
    JsonObject body = parsed instanceof JsonObject o ? o : new JsonObject();
    String what = "the request to list the permissions (GET " + options.permissionsUrl() + ")";
    if (status == 200) {
      if (!(body.getValue("permissions") instanceof JsonArray list)) {
        return unavailable("Keycloak answered " + what + " with a body that has no \"permissions\" list");
      }
      if (!options.permissionsClient().equals(body.getValue("client"))) {
        return unavailable("Keycloak lists the roles of client '" + body.getValue("client") + "' as the permissions,"
            + " but admin.permissionCheck.permissionsClient is '" + options.permissionsClient() + "': make them the"
            + " same (Keycloak's option spi-realm-restapi-extension--gatehouse-permissions--client, default"
            + " gatehouse-permissions, and the mapper's permissions.client)");
      }
      Set<String> names = new HashSet<>();
      for (Object item : list) {
        if (item instanceof JsonObject permission && permission.getValue("name") instanceof String name) {
          names.add(name);
        }
      }
      return Future.succeededFuture(names);
    }
    String reason = body.getValue("error_description") instanceof String d ? ": " + d : "";
    if (status == 401) {
      return Future.failedFuture(new TokenRejected("Keycloak did not accept the service-account token of client '"
          + options.clientId() + "' for " + what + " (HTTP 401" + reason + ")"));
    }
    if (status == 403) {
      return unavailable("Keycloak refused " + what + " to the service account of client '" + options.clientId()
          + "' (HTTP 403" + reason + "): give that service account the realm role " + READER_ROLE);
    }
    if (status == 404 && reason.isEmpty()) {
      return unavailable("Keycloak has no endpoint " + options.permissionsUrl() + " (HTTP 404): install the Gatehouse"
          + " extension pack (keycloak-providers) in Keycloak's providers/ directory, or check"
          + " admin.permissionCheck.keycloakUrl and realm");
    }
    return unavailable("Keycloak answered HTTP " + status + " to " + what + reason);
  }

  private static <T> Future<T> unavailable(String message) {
    return Future.failedFuture(new PermissionCatalogUnavailableException(message));
  }

  private Future<String> accessToken() {
    CachedToken cached = token.get();
    if (cached != null && System.nanoTime() - cached.validUntilNanos() < 0) {
      return Future.succeededFuture(cached.value());
    }
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials");
    long requestedAt = System.nanoTime();
    return client.postAbs(options.tokenEndpoint())
        .timeout(options.httpTimeoutMillis())
        .putHeader("Accept", "application/json")
        // RFC 6749 section 2.3.1: id and secret are form-encoded before they go into Basic.
        .basicAuthentication(encode(options.clientId()), encode(options.clientSecret()))
        .sendForm(form)
        .recover(this::unreachable)
        .compose(response -> {
          Object parsed = parse(response.bodyAsString());
          JsonObject json = parsed instanceof JsonObject o ? o : new JsonObject();
          if (response.statusCode() == 200 && json.getValue("access_token") instanceof String value
              && !value.isEmpty()) {
            long lifetime = json.getValue("expires_in") instanceof Number n ? n.longValue() : 0;
            if (lifetime > TOKEN_MARGIN_SECONDS) {
              token.set(new CachedToken(value,
                  requestedAt + TimeUnit.SECONDS.toNanos(lifetime - TOKEN_MARGIN_SECONDS)));
            }
            return Future.succeededFuture(value);
          }
          String error = json.getValue("error") instanceof String e ? " " + e : "";
          return Future.failedFuture(new PermissionCatalogUnavailableException("Keycloak's token endpoint refused the"
              + " client credentials of client '" + options.clientId() + "' (HTTP " + response.statusCode() + error
              + "): check admin.permissionCheck.clientSecret, and that the client has service accounts enabled"));
        });
  }

  private <T> Future<T> unreachable(Throwable failure) {
    return Future.failedFuture(new PermissionCatalogUnavailableException("Keycloak at " + options.keycloakUrl()
        + " could not be reached (" + failure.getClass().getSimpleName() + ": " + failure.getMessage() + ")"));
  }

  private static Object parse(String body) {
    try {
      return body == null || body.isBlank() ? null : io.vertx.core.json.Json.decodeValue(body);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A 401 from Keycloak: the cached token is no longer good. */
  private static final class TokenRejected extends RuntimeException {
    TokenRejected(String message) {
      super(message, null, false, false);
    }
  }
}
