package dev.gatehouse.it.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.stack.DevSecrets;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The imported {@code gatehouse} realm as the tests see it: tokens from its endpoints and the truth about roles from
 * the admin REST API, so that assertions compare Keycloak against Keycloak, not against a hand-written list.
 */
final class GatehouseRealm {
  static final String REALM = "gatehouse";
  static final String PERMISSIONS_CLIENT = "gatehouse-permissions";
  static final String MAPPER_ID = "gatehouse-permissions-mapper";
  /** The dev overlay's public password-grant client. */
  static final String TEST_CLIENT = "gatehouse-test";
  /** Realm roles the mapper leaves out of the roles claim on purpose. */
  static final List<String> HIDDEN_REALM_ROLES = List.of("default-roles-gatehouse", "offline_access", "uma_authorization");

  static final String ACCESS_TOKEN = "access.token.claim";
  static final String LIGHTWEIGHT = "lightweight.claim";
  static final String ID_TOKEN = "id.token.claim";
  static final String USERINFO = "userinfo.token.claim";
  static final String INTROSPECTION = "introspection.token.claim";
  private static final List<String> INCLUDE_SWITCHES = List.of(ACCESS_TOKEN, LIGHTWEIGHT, ID_TOKEN, USERINFO, INTROSPECTION);

  private final KeycloakServer keycloak;
  private final KeycloakAdminClient admin;

  GatehouseRealm(KeycloakServer keycloak) {
    this.keycloak = keycloak;
    this.admin = keycloak.admin();
  }

  KeycloakAdminClient admin() {
    return admin;
  }

  String clientUuid(String clientId) {
    JsonNode clients = admin.get(REALM + "/clients?clientId=" + clientId).expect(200).json();
    if (clients.isEmpty()) {
      throw new IllegalStateException("No client '" + clientId + "' in realm " + REALM);
    }
    return clients.get(0).path("id").asText();
  }

  String userId(String username) {
    JsonNode users = admin.get(REALM + "/users?exact=true&username=" + username).expect(200).json();
    if (users.isEmpty()) {
      throw new IllegalStateException("No user '" + username + "' in realm " + REALM);
    }
    return users.get(0).path("id").asText();
  }

  String serviceAccountUserId(String clientId) {
    return admin.get(REALM + "/clients/" + clientUuid(clientId) + "/service-account-user").expect(200).json()
        .path("id").asText();
  }

  /** The user's effective client roles of the permissions client (groups, composites, defaults), per the API. */
  SortedSet<String> effectivePermissions(String userId) {
    return names(admin.get(REALM + "/users/" + userId + "/role-mappings/clients/" + clientUuid(PERMISSIONS_CLIENT)
        + "/composite").expect(200).json());
  }

  /** The user's effective realm roles per the API, minus those the mapper hides by design. */
  SortedSet<String> effectiveRealmRolesShown(String userId) {
    SortedSet<String> roles = names(admin.get(REALM + "/users/" + userId + "/role-mappings/realm/composite")
        .expect(200).json());
    roles.removeAll(HIDDEN_REALM_ROLES);
    return roles;
  }

  /** Password grant; returns the whole token response (access, id and refresh tokens). */
  JsonNode passwordGrant(String clientId, String username) {
    return admin.token(REALM, Map.of("grant_type", "password", "client_id", clientId,
        "username", username, "password", username, "scope", "openid")).expect(200).json();
  }

  JsonNode clientCredentials(String clientId, String secret) {
    return admin.token(REALM, Map.of("grant_type", "client_credentials", "client_id", clientId,
        "client_secret", secret)).expect(200).json();
  }

  JsonNode userinfo(String accessToken) {
    return admin.getWithBearer(keycloak.issuer(REALM) + "/protocol/openid-connect/userinfo", accessToken)
        .expect(200).json();
  }

  /** Introspects as the gateway, as the real gateway would. */
  JsonNode introspectAsGateway(String token) {
    return admin.postForm(keycloak.issuer(REALM) + "/protocol/openid-connect/token/introspect", Map.of(
        "client_id", "gateway",
        "client_secret", DevSecrets.keycloakEnvironment().get(DevSecrets.GATEWAY_CLIENT_SECRET),
        "token", token), null).expect(200).json();
  }

  /** Creates a public password-grant client with a unique clientId and returns that clientId. */
  String createPasswordGrantClient(String prefix, Map<String, Object> extra) {
    String clientId = unique(prefix);
    Map<String, Object> client = new HashMap<>(Map.of(
        "clientId", clientId, "publicClient", true, "directAccessGrantsEnabled", true,
        "standardFlowEnabled", false, "fullScopeAllowed", true));
    client.putAll(extra);
    admin.post(REALM + "/clients", client).expect(201);
    return clientId;
  }

  /** Creates a client scope holding one permissions mapper with the given config and returns the scope's id. */
  String createScopeWithPermissionsMapper(String prefix, Map<String, String> mapperConfig) {
    String name = unique(prefix);
    return admin.post(REALM + "/client-scopes", Map.of(
        "name", name, "protocol", "openid-connect",
        "attributes", Map.of("include.in.token.scope", "false"),
        "protocolMappers", List.of(Map.of(
            "name", name + "-mapper", "protocol", "openid-connect", "protocolMapper", MAPPER_ID,
            "config", mapperConfig)))).createdId();
  }

  /** Every include switch written explicitly (a missing one means false): those named are "true", the rest "false". */
  static Map<String, String> mapperConfig(String claimName, String rolesClaimName, String... switchedOn) {
    Map<String, String> config = new HashMap<>(Map.of("claim.name", claimName, "roles.claim.name", rolesClaimName));
    for (String flag : INCLUDE_SWITCHES) {
      config.put(flag, String.valueOf(List.of(switchedOn).contains(flag)));
    }
    return config;
  }

  void addDefaultScope(String clientId, String scopeId) {
    admin.put(REALM + "/clients/" + clientUuid(clientId) + "/default-client-scopes/" + scopeId, Map.of())
        .expect(204);
  }

  /** Creates an enabled user whose password equals the username; returns the user id. */
  String createUser(String prefix) {
    String username = unique(prefix);
    return admin.post(REALM + "/users", Map.of(
        "username", username, "enabled", true, "email", username + "@gatehouse.test", "emailVerified", true,
        "firstName", "It", "lastName", "User",
        "credentials", List.of(Map.of("type", "password", "value", username, "temporary", false)))).createdId();
  }

  String username(String userId) {
    return admin.get(REALM + "/users/" + userId).expect(200).json().path("username").asText();
  }

  JsonNode permissionRole(String name) {
    return admin.get(REALM + "/clients/" + clientUuid(PERMISSIONS_CLIENT) + "/roles/" + name).expect(200).json();
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static SortedSet<String> names(JsonNode roles) {
    SortedSet<String> names = new TreeSet<>();
    roles.forEach(role -> names.add(role.path("name").asText()));
    return names;
  }
}
