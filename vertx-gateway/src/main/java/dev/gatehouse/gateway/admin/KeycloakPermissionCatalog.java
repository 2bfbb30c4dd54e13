package dev.gatehouse.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
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

  @Override
  public Future<SubjectPermissions> permissionsOf(PolicySubject subject) {
    String missing = options.missingSetting();
    if (missing != null) {
      return Future.failedFuture(new PermissionCatalogUnavailableException(missing));
    }
    String url = options.permissionsUrl() + "/" + subject.kind().collection + "/" + pathSegment(subject.name())
        + "/permissions";
    return read(url, "the request for the permissions of " + subject.describe() + " (GET " + url + ")",
        (status, body) -> subjectPermissions(status, body, subject), true);
  }

  @Override
  public Future<List<String>> rolesCarrying(String permission) {
    String missing = options.missingSetting();
    if (missing != null) {
      return Future.failedFuture(new PermissionCatalogUnavailableException(missing));
    }
    String url = options.permissionsUrl() + "/permissions/" + pathSegment(permission) + "/roles";
    String what = "the request for the roles carrying permission '" + permission + "' (GET " + url + ")";
    return read(url, what, (status, body) -> {
      if (status == 404 && "permission_not_found".equals(body.getValue("error"))) {
        return Future.succeededFuture(List.of()); // not a permission: no role carries it
      }
      if (status != 200 || !(body.getValue("realmRoles") instanceof JsonArray roles)) {
        String reason = body.getValue("error_description") instanceof String d ? ": " + d : "";
        return unavailable("Keycloak answered HTTP " + status + " to " + what + reason
            + (status == 200 ? " without a \"realmRoles\" list: update the extension pack" : ""));
      }
      List<String> names = new java.util.ArrayList<>();
      for (Object role : roles) {
        if (role instanceof String name) {
          names.add(name);
        }
      }
      return Future.succeededFuture(List.copyOf(names));
    }, true);
  }

  private Future<Set<String>> permissions(boolean retryWithNewToken) {
    return read(options.permissionsUrl(), "the request to list the permissions (GET " + options.permissionsUrl() + ")",
        this::permissionNames, retryWithNewToken);
  }

  /** An answer of Keycloak's to read: status and parsed JSON body (empty when it had none). */
  private interface Answer<T> {
    Future<T> read(int status, JsonObject body);
  }

  /** GET {@code url} with the service-account token; 401/403/404-without-body become failures that say what to fix. */
  private <T> Future<T> read(String url, String what, Answer<T> answer, boolean retryWithNewToken) {
    return accessToken()
        .compose(bearer -> client.getAbs(url)
            .timeout(options.httpTimeoutMillis())
            .putHeader("Accept", "application/json")
            .bearerTokenAuthentication(bearer)
            .send()
            .recover(this::unreachable))
        .compose(response -> {
          Object parsed = parse(response.bodyAsString());
          JsonObject body = parsed instanceof JsonObject o ? o : new JsonObject();
          int status = response.statusCode();
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
            return unavailable("Keycloak has no endpoint " + url + " (HTTP 404): install the Gatehouse extension pack"
                + " (keycloak-providers, this version) in Keycloak's providers/ directory, or check"
                + " admin.permissionCheck.keycloakUrl and realm");
          }
          return answer.read(status, body);
        })
        .recover(failure -> {
          if (retryWithNewToken && failure instanceof TokenRejected) {
            // Keycloak no longer takes the cached token (restarted, session ended): one retry with a fresh one.
            token.set(null);
            return read(url, what, answer, false);
          }
          return Future.failedFuture(failure instanceof TokenRejected rejected
              ? new PermissionCatalogUnavailableException(rejected.getMessage()) : failure);
        });
  }

  /** The names in Keycloak's answer, or a failure that says what to fix. */
  private Future<Set<String>> permissionNames(int status, JsonObject body) {
    String what = "the request to list the permissions (GET " + options.permissionsUrl() + ")";
    if (status == 200) {
      if (!(body.getValue("permissions") instanceof JsonArray list)) {
        return unavailable("Keycloak answered " + what + " with a body that has no \"permissions\" list");
      }
      if (!options.permissionsClient().equals(body.getValue("client"))) {
        return unavailable(clientMismatch(body));
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
    return unavailable("Keycloak answered HTTP " + status + " to " + what + reason);
  }

  private Future<SubjectPermissions> subjectPermissions(int status, JsonObject body, PolicySubject subject) {
    String description = body.getValue("error_description") instanceof String d ? d : "";
    if (status == 404 && (subject.kind().field + "_not_found").equals(body.getValue("error"))) {
      return Future.failedFuture(new UnknownSubjectException(description));
    }
    if (status != 200) {
      return unavailable("Keycloak answered HTTP " + status + " to the request for the permissions of "
          + subject.describe() + (description.isEmpty() ? "" : ": " + description));
    }
    if (!options.permissionsClient().equals(body.getValue("client"))) {
      return unavailable(clientMismatch(body));
    }
    if (!(body.getValue("permissions") instanceof JsonArray list) || !(body.getValue("enabled") instanceof Boolean)) {
      return unavailable("Keycloak answered the request for the permissions of " + subject.describe() + " with a body"
          + " that has no \"permissions\" list or \"enabled\" flag: update the extension pack");
    }
    Set<String> names = new LinkedHashSet<>();
    for (Object item : list) {
      if (item instanceof String name) {
        names.add(name);
      }
    }
    return Future.succeededFuture(new SubjectPermissions(Set.copyOf(names), body.getBoolean("enabled")));
  }

  private String clientMismatch(JsonObject body) {
    return "Keycloak lists the roles of client '" + body.getValue("client") + "' as the permissions,"
        + " but admin.permissionCheck.permissionsClient is '" + options.permissionsClient() + "': make them the"
        + " same (Keycloak's option spi-realm-restapi-extension--gatehouse-permissions--client, default"
        + " gatehouse-permissions, and the mapper's permissions.client)";
  }

  /** One URL path segment: names may hold characters such as '@' or '/' (usernames, clientIds). */
  private static String pathSegment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static <T> Future<T> unavailable(String message) {
    return Future.failedFuture(new PermissionCatalogUnavailableException(message));
  }

  /**
   * The gateway's own service-account token (client credentials), cached as for the permission reads; for the robot
   * endpoints ({@link RobotsAdminApi}). Fails with {@link PermissionCatalogUnavailableException} saying what to fix.
   */
  public Future<String> serviceAccountToken() {
    String missing = options.missingSetting();
    return missing != null ? Future.failedFuture(new PermissionCatalogUnavailableException(missing)) : accessToken();
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
