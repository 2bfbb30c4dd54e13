package dev.gatehouse.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
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
 * check through Keycloak's admin REST API, non-blocking, so a permission created a second ago is known: admin writes
 * are rare, a stale list is not worth its cache. The service-account token is reused until shortly before it
 * expires.
 */
public final class KeycloakPermissionCatalog implements PermissionCatalog {
  /** A token is not reused in its last seconds: it could expire on the way. */
  private static final long TOKEN_MARGIN_SECONDS = 10;

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
    return accessToken().compose(bearer -> permissionsClientId(bearer)
        .compose(id -> get(bearer, options.adminRealmUrl() + "/clients/" + encode(id) + "/roles")
            .addQueryParam("briefRepresentation", "true").send()
            .recover(this::unreachable)
            .compose(response -> adminAnswer(response, "read the roles of client '" + options.permissionsClient()
                + "'")))
        .map(KeycloakPermissionCatalog::roleNames))
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

  private Future<String> permissionsClientId(String bearer) {
    return get(bearer, options.adminRealmUrl() + "/clients")
        .addQueryParam("clientId", options.permissionsClient())
        .send()
        .recover(this::unreachable)
        .compose(response -> adminAnswer(response, "list the clients of realm '" + options.realm() + "'"))
        .compose(body -> {
          if (body instanceof JsonArray clients) {
            for (Object item : clients) {
              if (item instanceof JsonObject c && options.permissionsClient().equals(c.getString("clientId"))
                  && c.getValue("id") instanceof String id) {
                return Future.succeededFuture(id);
              }
            }
          }
          return Future.failedFuture(new PermissionCatalogUnavailableException("Keycloak realm '" + options.realm()
              + "' has no client '" + options.permissionsClient() + "' (admin.permissionCheck.permissionsClient names"
              + " the client whose roles are the permissions)"));
        });
  }

  private HttpRequest<Buffer> get(String bearer, String url) {
    return client.getAbs(url)
        .timeout(options.httpTimeoutMillis())
        .putHeader("Accept", "application/json")
        .bearerTokenAuthentication(bearer);
  }

  private Future<Object> adminAnswer(HttpResponse<Buffer> response, String what) {
    int status = response.statusCode();
    if (status == 200) {
      Object body = parse(response.bodyAsString());
      return body instanceof JsonArray ? Future.succeededFuture(body) : Future.failedFuture(
          new PermissionCatalogUnavailableException("Keycloak answered the request to " + what + " with a body that"
              + " is not a JSON list"));
    }
    if (status == 401) {
      return Future.failedFuture(new TokenRejected("Keycloak did not accept the service-account token of client '"
          + options.clientId() + "' to " + what + " (HTTP 401)"));
    }
    if (status == 403) {
      return Future.failedFuture(new PermissionCatalogUnavailableException("Keycloak does not let the service account"
          + " of client '" + options.clientId() + "' " + what + " (HTTP 403): give it the realm-management role"
          + " view-clients"));
    }
    return Future.failedFuture(new PermissionCatalogUnavailableException("Keycloak answered HTTP " + status
        + " to the request to " + what));
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

  private static Set<String> roleNames(Object roles) {
    Set<String> names = new HashSet<>();
    for (Object role : (JsonArray) roles) {
      if (role instanceof JsonObject r && r.getValue("name") instanceof String name) {
        names.add(name);
      }
    }
    return names;
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

  /** A 401 from the admin API: the cached token is no longer good. */
  private static final class TokenRejected extends RuntimeException {
    TokenRejected(String message) {
      super(message, null, false, false);
    }
  }
}
