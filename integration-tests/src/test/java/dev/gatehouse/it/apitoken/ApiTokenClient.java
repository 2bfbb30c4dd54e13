package dev.gatehouse.it.apitoken;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.stack.DevSecrets;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient.Response;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * What the API-token tests do against a real Keycloak: the user endpoint with a user's bearer token, the admin
 * endpoint, the resolution grant as the gateway would call it, and admin-API set-up of throwaway users.
 */
final class ApiTokenClient {
  static final String REALM = "gatehouse";
  static final String GRANT_TYPE = "urn:gatehouse:params:oauth:grant-type:api-token";
  static final String TEST_CLIENT = "gatehouse-test";
  static final String TOKEN_SHAPE = "^gatehouse_pat_[A-Za-z0-9]{40,120}[0-9a-f]{8}$";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeycloakServer keycloak;
  private final KeycloakAdminClient admin;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiTokenClient(KeycloakServer keycloak) {
    this.keycloak = keycloak;
    this.admin = keycloak.admin();
  }

  KeycloakAdminClient admin() {
    return admin;
  }

  /** A fresh enabled user (password = username) with the given realm roles; returns its id. */
  String createUser(String prefix, String realm, String... realmRoles) {
    String username = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    String id = admin.post(realm + "/users", Map.of(
        "username", username, "enabled", true, "email", username + "@gatehouse.test", "emailVerified", true,
        "firstName", "Api", "lastName", "Token",
        "credentials", List.of(Map.of("type", "password", "value", username, "temporary", false)))).createdId();
    for (String role : realmRoles) {
      grantRealmRole(realm, id, role);
    }
    return id;
  }

  void grantRealmRole(String realm, String userId, String role) {
    admin.post(realm + "/users/" + userId + "/role-mappings/realm",
        List.of(admin.get(realm + "/roles/" + role).expect(200).json())).expect(204);
  }

  void grantClientRole(String realm, String userId, String clientId, String role) {
    String clientUuid = admin.get(realm + "/clients?clientId=" + clientId).expect(200).json().get(0).path("id").asText();
    admin.post(realm + "/users/" + userId + "/role-mappings/clients/" + clientUuid,
        List.of(admin.get(realm + "/clients/" + clientUuid + "/roles/" + role).expect(200).json())).expect(204);
  }

  void removeRealmRole(String realm, String userId, String role) {
    admin.delete(realm + "/users/" + userId + "/role-mappings/realm",
        List.of(admin.get(realm + "/roles/" + role).expect(200).json())).expect(204);
  }

  /** Sends the whole representation back: a partial one would clear the user's profile attributes. */
  void setEnabled(String realm, String userId, boolean enabled) {
    ObjectNode user =
        (ObjectNode) admin.get(realm + "/users/" + userId).expect(200).json();
    user.put("enabled", enabled);
    admin.put(realm + "/users/" + userId, user.toString()).expect(204);
  }

  String userId(String realm, String username) {
    return admin.get(realm + "/users?exact=true&username=" + username).expect(200).json().get(0).path("id").asText();
  }

  String username(String realm, String userId) {
    return admin.get(realm + "/users/" + userId).expect(200).json().path("username").asText();
  }

  /** The user's access token from a password grant on a public client with direct grants. */
  String userAccessToken(String realm, String clientId, String userId) {
    String username = username(realm, userId);
    return admin.token(realm, Map.of("grant_type", "password", "client_id", clientId,
        "username", username, "password", username)).expect(200).json().path("access_token").asText();
  }

  Response create(String realm, String bearer, Object body) {
    return send(HttpRequest.newBuilder(userEndpoint(realm, "")).header("Authorization", "Bearer " + bearer)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json(body))));
  }

  /** Creates a token named {@code name} and returns the 201 body (id, name, token, createdAt, expiresAt). */
  JsonNode createToken(String realm, String bearer, String name) {
    return create(realm, bearer, Map.of("name", name)).expect(201).json();
  }

  Response list(String realm, String bearer) {
    return send(HttpRequest.newBuilder(userEndpoint(realm, "")).header("Authorization", "Bearer " + bearer).GET());
  }

  Response revoke(String realm, String bearer, String tokenId) {
    return send(HttpRequest.newBuilder(userEndpoint(realm, "/" + tokenId)).header("Authorization", "Bearer " + bearer)
        .DELETE());
  }

  /** The resolution grant as the gateway calls it (form client_id + client_secret). */
  Response resolveAsGateway(String apiToken) {
    return resolve("gateway", DevSecrets.gatewayClientSecret(), apiToken);
  }

  Response resolve(String clientId, String clientSecret, String apiToken) {
    Map<String, String> form = new HashMap<>(Map.of("grant_type", GRANT_TYPE, "client_id", clientId));
    if (clientSecret != null) {
      form.put("client_secret", clientSecret);
    }
    if (apiToken != null) {
      form.put("api_token", apiToken);
    }
    return admin.token(REALM, form);
  }

  /** GET JSON with a bearer token that is not the master admin's, e.g. a realm user's against the admin API. */
  Response getWithBearer(String url, String bearer) {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer)
        .header("Accept", "application/json").GET());
  }

  Response deleteWithBearer(String url, String bearer) {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer).DELETE());
  }

  String adminEndpoint(String realm) {
    return keycloak.baseUrl() + "/admin/realms/" + realm + "/api-tokens";
  }

  String url(String path) {
    return keycloak.baseUrl() + path;
  }

  /** Waits for a condition with a bounded deadline (short pauses between attempts), never for a fixed time. */
  static void pollUntil(Duration deadline, String what, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Not within " + deadline.toMillis() + " ms: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for: " + what, e);
      }
    }
  }

  private URI userEndpoint(String realm, String suffix) {
    return URI.create(keycloak.issuer(realm) + "/api-tokens" + suffix);
  }

  private Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response.headers().firstValue("Location").orElse(null));
    } catch (IOException e) {
      throw new IllegalStateException("Keycloak is unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  private static String json(Object body) {
    try {
      return body instanceof String text ? text : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
