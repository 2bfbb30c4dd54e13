package dev.gatehouse.it.revocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code gatehouse} realm as the end-to-end revocation tests change it: throwaway users, roles, permissions,
 * service clients and API tokens, created through Keycloak's admin REST API so that every case starts from subjects
 * no other case touches.
 */
public final class RevocationRealm {
  static final String REALM = "gatehouse";
  static final String TEST_CLIENT = "gatehouse-test";
  static final String PERMISSIONS_CLIENT = "gatehouse-permissions";
  /** The permission every throwaway subject holds: it allows {@link #ALLOWED_PATH} at the gateways. */
  static final String PERMISSION = "view-skills";
  /** A path the seeded activities allow with {@link #PERMISSION} (realm-config/activities.json). */
  public static final String ALLOWED_PATH = "/api/v1/skills";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeycloakServer keycloak;
  private final KeycloakAdminClient admin;
  private final String permissionsClientUuid;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public RevocationRealm(KeycloakServer keycloak) {
    this.keycloak = keycloak;
    this.admin = keycloak.admin();
    this.permissionsClientUuid = clientUuid(PERMISSIONS_CLIENT);
  }

  public String issuer() {
    return keycloak.issuer(REALM);
  }

  KeycloakAdminClient admin() {
    return admin;
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** An enabled user (password = username) holding {@link #PERMISSION} directly, plus {@code realmRoles}. */
  String createUser(String prefix, String... realmRoles) {
    String username = unique(prefix);
    String id = admin.post(REALM + "/users", Map.of(
        "username", username, "enabled", true, "email", username + "@gatehouse.test", "emailVerified", true,
        "firstName", "Revocation", "lastName", "Test",
        "credentials", List.of(Map.of("type", "password", "value", username, "temporary", false)))).createdId();
    grantPermission(id, PERMISSION);
    for (String role : realmRoles) {
      grantRealmRole(id, role);
    }
    return id;
  }

  /** A user holding no permission directly, only {@code realmRole} (whose composites give its permissions). */
  String createUserWithOnly(String prefix, String realmRole) {
    String username = unique(prefix);
    String id = admin.post(REALM + "/users", Map.of(
        "username", username, "enabled", true, "email", username + "@gatehouse.test", "emailVerified", true,
        "firstName", "Revocation", "lastName", "Test",
        "credentials", List.of(Map.of("type", "password", "value", username, "temporary", false)))).createdId();
    grantRealmRole(id, realmRole);
    return id;
  }

  /**
   * Returns once the clock is past the second of the set-up changes just made. Those changes (a new user, a granted
   * role) are revocations too, and by the contract's equal-second rule a token issued in the same second as one of
   * them is refused; tokens for a case are issued after this.
   */
  void settle() {
    long setupSecond = System.currentTimeMillis() / 1000;
    while (System.currentTimeMillis() / 1000 <= setupSecond) {
      try {
        Thread.sleep(Math.max(1, 1000 - System.currentTimeMillis() % 1000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted", e);
      }
    }
  }

  String username(String userId) {
    return admin.get(REALM + "/users/" + userId).expect(200).json().path("username").asText();
  }

  /** Password grant on the dev realm's public test client: a new session; access, ID and refresh token. */
  JsonNode signIn(String userId) {
    String username = username(userId);
    return admin.token(REALM, Map.of("grant_type", "password", "client_id", TEST_CLIENT,
        "username", username, "password", username, "scope", "openid")).expect(200).json();
  }

  String accessToken(String userId) {
    return signIn(userId).path("access_token").asText();
  }

  String createRealmRole(String prefix) {
    String name = unique(prefix);
    admin.post(REALM + "/roles", Map.of("name", name)).expect(201);
    return name;
  }

  JsonNode realmRole(String name) {
    return admin.get(REALM + "/roles/" + name).expect(200).json();
  }

  void grantRealmRole(String userId, String role) {
    admin.post(REALM + "/users/" + userId + "/role-mappings/realm", List.of(realmRole(role))).expect(204);
  }

  void removeRealmRole(String userId, String role) {
    admin.delete(REALM + "/users/" + userId + "/role-mappings/realm", List.of(realmRole(role))).expect(204);
  }

  /** A new permission: a client role of the permissions client. */
  String createPermission(String prefix) {
    String name = unique(prefix);
    admin.post(REALM + "/clients/" + permissionsClientUuid + "/roles", Map.of("name", name)).expect(201);
    return name;
  }

  JsonNode permission(String name) {
    return admin.get(REALM + "/clients/" + permissionsClientUuid + "/roles/" + name).expect(200).json();
  }

  void grantPermission(String userId, String permission) {
    admin.post(REALM + "/users/" + userId + "/role-mappings/clients/" + permissionsClientUuid,
        List.of(permission(permission))).expect(204);
  }

  void deletePermission(String name) {
    admin.delete(REALM + "/clients/" + permissionsClientUuid + "/roles/" + name).expect(204);
  }

  void addComposite(String realmRole, String permission) {
    admin.post(REALM + "/roles/" + realmRole + "/composites", List.of(permission(permission))).expect(204);
  }

  void removeComposite(String realmRole, String permission) {
    admin.delete(REALM + "/roles-by-id/" + realmRole(realmRole).path("id").asText() + "/composites",
        List.of(permission(permission))).expect(204);
  }

  /** The whole representation back with one field changed, as the admin console does. */
  void updateUser(String userId, String field, Object value) {
    ObjectNode user = (ObjectNode) admin.get(REALM + "/users/" + userId).expect(200).json();
    user.putPOJO(field, value);
    admin.put(REALM + "/users/" + userId, user).expect(204);
  }

  /** A confidential client with a service account holding {@link #PERMISSION}; returns the client's UUID. */
  String createServiceClient(String clientId) {
    String uuid = admin.post(REALM + "/clients", Map.of("clientId", clientId, "publicClient", false,
        "serviceAccountsEnabled", true, "standardFlowEnabled", false)).createdId();
    String serviceAccount = admin.get(REALM + "/clients/" + uuid + "/service-account-user").expect(200).json()
        .path("id").asText();
    grantPermission(serviceAccount, PERMISSION);
    return uuid;
  }

  String clientSecret(String clientUuid) {
    return admin.get(REALM + "/clients/" + clientUuid + "/client-secret").expect(200).json().path("value").asText();
  }

  String clientCredentialsToken(String clientId, String secret) {
    return admin.token(REALM, Map.of("grant_type", "client_credentials", "client_id", clientId,
        "client_secret", secret)).expect(200).json().path("access_token").asText();
  }

  void setClientEnabled(String clientUuid, boolean enabled) {
    ObjectNode client = (ObjectNode) admin.get(REALM + "/clients/" + clientUuid).expect(200).json();
    client.put("enabled", enabled);
    admin.put(REALM + "/clients/" + clientUuid, client).expect(204);
  }

  void regenerateSecret(String clientUuid) {
    admin.post(REALM + "/clients/" + clientUuid + "/client-secret", Map.of()).expect(200);
  }

  /** Creates an API token as its owner does (user endpoint, owner's bearer); returns the 201 body (id, token). */
  JsonNode createApiToken(String ownerAccessToken, String name) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(issuer() + "/api-tokens"))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + ownerAccessToken)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}"))
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 201) {
        throw new IllegalStateException("Creating an API token: HTTP " + response.statusCode() + ": "
            + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("Keycloak is unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /** An admin revoking a user's API token (the admin endpoint of the extension pack). */
  void revokeApiToken(String ownerId, String tokenId) {
    admin.delete(REALM + "/api-tokens/users/" + ownerId + "/" + tokenId).expect(204);
  }

  String clientUuid(String clientId) {
    JsonNode clients = admin.get(REALM + "/clients?clientId=" + clientId).expect(200).json();
    if (clients.isEmpty()) {
      throw new IllegalStateException("No client '" + clientId + "' in realm " + REALM);
    }
    return clients.get(0).path("id").asText();
  }
}
