package dev.gatehouse.stack.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * Lets a client exchange an identity provider's access token for a realm token (legacy token exchange v1,
 * external to internal), e.g. the public {@code mobile} client with a Google access token.
 *
 * <p>Keycloak keeps this permission in the fine-grained admin permissions (FGAP v1) of the {@code realm-management}
 * client, which realm JSON cannot express, so it is set through the admin REST API: enable the provider's management
 * permissions, create a client policy naming the client, and attach it to the provider's {@code token-exchange} scope
 * permission. Every step first looks at what exists, so applying it again changes nothing.
 */
public final class TokenExchangePermissions {
  /** Server features the exchange needs; both are deprecated, and FGAP v1 replaces v2 while it is on. */
  public static final List<String> FEATURES = List.of("token-exchange:v1", "admin-fine-grained-authz:v1");

  private static final String TOKEN_EXCHANGE_SCOPE = "token-exchange";

  private final KeycloakAdminClient admin;
  private final String realm;

  private TokenExchangePermissions(KeycloakAdminClient admin, String realm) {
    this.admin = admin;
    this.realm = realm;
  }

  /**
   * Allows {@code clientId} of {@code realm} to exchange tokens issued by the identity provider {@code idpAlias}.
   * Returns true when something had to be changed, false when the permission was already in place.
   */
  public static boolean allow(KeycloakAdminClient admin, String realm, String idpAlias, String clientId) {
    return new TokenExchangePermissions(admin, realm).allow(idpAlias, clientId);
  }

  /**
   * The development setup that local runs and tests apply after Keycloak starts: the public {@code mobile} client of
   * realm {@code gatehouse} may exchange access tokens of {@code fake-google}, the local stand-in for Google.
   */
  public static boolean allowDevelopmentMobileClient(KeycloakAdminClient admin) {
    return allow(admin, "gatehouse", "fake-google", "mobile");
  }

  /** The name of the client policy this class creates for {@code clientId}; one policy per client, shared by IdPs. */
  public static String policyName(String clientId) {
    return "token-exchange: client " + clientId;
  }

  private boolean allow(String idpAlias, String clientId) {
    String clientUuid = clientUuid(clientId);
    String authz = "clients/" + clientUuid("realm-management") + "/authz/resource-server";
    String permissionId = enableProviderPermissions(idpAlias);
    boolean created = false;
    String policyId = existingPolicyId(authz, policyName(clientId));
    if (policyId == null) {
      policyId = admin.post(path(authz + "/policy/client"), Map.of(
          "name", policyName(clientId),
          "description", "Client " + clientId + " may exchange external tokens (legacy token exchange v1).",
          "logic", "POSITIVE",
          "decisionStrategy", "UNANIMOUS",
          "clients", List.of(clientUuid))).expect(201).json().path("id").asText();
      created = true;
    }
    List<String> attached = ids(admin.get(path(authz + "/policy/" + permissionId + "/associatedPolicies"))
        .expect(200).json(), "id");
    if (attached.contains(policyId)) {
      return created;
    }
    attachPolicy(authz, permissionId, policyId, attached);
    return true;
  }

  /** Turns on the provider's management permissions (idempotent) and returns its token-exchange permission's id. */
  private String enableProviderPermissions(String idpAlias) {
    KeycloakAdminClient.Response response = admin.put(
        path("identity-provider/instances/" + encode(idpAlias) + "/management/permissions"), Map.of("enabled", true));
    if (response.status() == 404) {
      throw new IllegalStateException("Realm '" + realm + "' has no identity provider '" + idpAlias
          + "': check the alias in the realm file.");
    }
    if (response.status() != 200) {
      throw new IllegalStateException("Cannot enable the management permissions of identity provider '" + idpAlias
          + "' (HTTP " + response.status() + ": " + response.body() + "). Start Keycloak with --features="
          + String.join(",", FEATURES) + ".");
    }
    String permissionId = response.json().path("scopePermissions").path(TOKEN_EXCHANGE_SCOPE).asText("");
    if (permissionId.isEmpty()) {
      throw new IllegalStateException("Keycloak enabled the permissions of identity provider '" + idpAlias
          + "' but reported no '" + TOKEN_EXCHANGE_SCOPE + "' permission: " + response.body());
    }
    return permissionId;
  }

  private String existingPolicyId(String authz, String name) {
    KeycloakAdminClient.Response found = admin.get(path(authz + "/policy/search?name=" + encode(name)));
    if (found.status() == 204 || found.body().isBlank()) {
      return null;
    }
    return found.expect(200).json().path("id").asText();
  }

  /**
   * Rewrites the scope permission with its resource and scope unchanged and the policy added. The decision becomes
   * affirmative so that a second client's policy adds a client instead of requiring both at once.
   */
  private void attachPolicy(String authz, String permissionId, String policyId, List<String> attached) {
    ObjectNode permission = (ObjectNode) admin.get(path(authz + "/permission/scope/" + permissionId)).expect(200)
        .json();
    ArrayNode resources = permission.putArray("resources");
    ids(admin.get(path(authz + "/policy/" + permissionId + "/resources")).expect(200).json(), "_id")
        .forEach(resources::add);
    ArrayNode scopes = permission.putArray("scopes");
    ids(admin.get(path(authz + "/policy/" + permissionId + "/scopes")).expect(200).json(), "id")
        .forEach(scopes::add);
    ArrayNode policies = permission.putArray("policies");
    attached.forEach(policies::add);
    policies.add(policyId);
    permission.put("decisionStrategy", "AFFIRMATIVE");
    // Keycloak answers an update of a policy with 201 Created.
    admin.put(path(authz + "/permission/scope/" + permissionId), permission).expect(201);
  }

  private String clientUuid(String clientId) {
    JsonNode found = admin.get(path("clients?clientId=" + encode(clientId))).expect(200).json();
    if (found.size() != 1) {
      throw new IllegalStateException("Realm '" + realm + "' has no client '" + clientId
          + "' (needed for the token-exchange permission): check the realm file.");
    }
    return found.get(0).path("id").asText();
  }

  private String path(String relative) {
    return encode(realm) + "/" + relative;
  }

  private static List<String> ids(JsonNode array, String field) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(node -> node.path(field).asText())
        .filter(id -> !id.isEmpty())
        .toList();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
