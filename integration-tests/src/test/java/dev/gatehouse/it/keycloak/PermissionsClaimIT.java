package dev.gatehouse.it.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.it.support.Jwt;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.stack.DevSecrets;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The permissions and roles claims against the admin REST API's view of the same subject: users with roles from a
 * group (carol), a direct grant (dave), default roles only (erin), and a service account.
 */
@ExtendWith(RealKeycloak.class)
class PermissionsClaimIT {

  @ParameterizedTest
  @ValueSource(strings = {"carol", "dave", "erin"})
  void accessTokenCarriesExactlyTheEffectivePermissionsAndRealmRoles(String username, KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    String userId = realm.userId(username);

    JsonNode claims = Jwt.payload(realm.passwordGrant(GatehouseRealm.TEST_CLIENT, username).path("access_token").asText());

    assertThat(realm.effectivePermissions(userId)).as("the API must report permissions for " + username).isNotEmpty();
    assertClaimsMatchTheApi(realm, claims, userId);
  }

  @Test
  void rolesReachTheClaimThroughGroupsDirectGrantsAndDefaultRoles(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);

    assertThat(permissionsOf(realm, "carol")).contains("view-users", "view-skills").doesNotContain("manage-users");
    assertThat(permissionsOf(realm, "dave")).contains("manage-activities", "view-users", "view-skills");
    assertThat(permissionsOf(realm, "erin")).contains("view-skills").doesNotContain("view-users");
  }

  @Test
  void serviceAccountTokensCarryTheServiceAccountsPermissions(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    String secret = DevSecrets.keycloakEnvironment().get(DevSecrets.REPORTING_SERVICE_SECRET);

    JsonNode claims = Jwt.payload(realm.clientCredentials("reporting-service", secret).path("access_token").asText());

    assertThat(arrayClaim(claims, "permissions")).contains("view-allocations");
    assertClaimsMatchTheApi(realm, claims, realm.serviceAccountUserId("reporting-service"));
  }

  @Test
  void tokensAreLeanAndAddressedToTheGateway(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);

    JsonNode claims = Jwt.payload(realm.passwordGrant(GatehouseRealm.TEST_CLIENT, "dave").path("access_token").asText());

    assertThat(claims.path("resource_access").has(GatehouseRealm.PERMISSIONS_CLIENT))
        .as("permissions must not be duplicated into resource_access").isFalse();
    assertThat(claims.has("realm_access")).isFalse();
    assertThat(claims.path("sub").asText()).isEqualTo(realm.userId("dave"));
    assertThat(audience(claims)).contains("gateway");
  }

  @Test
  void editingARolesCompositesShowsInTheNextToken(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    var admin = realm.admin();
    String roleName = GatehouseRealm.unique("it-editable-role");
    admin.post(GatehouseRealm.REALM + "/roles", Map.of("name", roleName)).expect(201);
    admin.post(GatehouseRealm.REALM + "/roles/" + roleName + "/composites",
        List.of(realm.permissionRole("manage-skills"))).expect(204);
    String groupId = admin.post(GatehouseRealm.REALM + "/groups", Map.of("name", GatehouseRealm.unique("it-group")))
        .createdId();
    admin.post(GatehouseRealm.REALM + "/groups/" + groupId + "/role-mappings/realm",
        List.of(admin.get(GatehouseRealm.REALM + "/roles/" + roleName).expect(200).json())).expect(204);
    String userId = realm.createUser("it-composite-user");
    admin.put(GatehouseRealm.REALM + "/users/" + userId + "/groups/" + groupId, Map.of()).expect(204);
    String username = realm.username(userId);

    assertThat(permissionsOf(realm, username)).contains("manage-skills").doesNotContain("manage-activities")
        .containsExactlyElementsOf(realm.effectivePermissions(userId));

    admin.delete(GatehouseRealm.REALM + "/roles/" + roleName + "/composites",
        List.of(realm.permissionRole("manage-skills"))).expect(204);
    admin.post(GatehouseRealm.REALM + "/roles/" + roleName + "/composites",
        List.of(realm.permissionRole("manage-activities"))).expect(204);

    assertThat(permissionsOf(realm, username)).contains("manage-activities").doesNotContain("manage-skills")
        .containsExactlyElementsOf(realm.effectivePermissions(userId));
  }

  private static void assertClaimsMatchTheApi(GatehouseRealm realm, JsonNode claims, String userId) {
    assertThat(arrayClaim(claims, "permissions")).as("sorted, distinct, equal to the API's effective client roles")
        .containsExactlyElementsOf(realm.effectivePermissions(userId));
    assertThat(arrayClaim(claims, "roles")).containsExactlyElementsOf(realm.effectiveRealmRolesShown(userId));
  }

  private static SortedSet<String> permissionsOf(GatehouseRealm realm, String username) {
    JsonNode claims = Jwt.payload(realm.passwordGrant(GatehouseRealm.TEST_CLIENT, username).path("access_token").asText());
    return Jwt.stringSet(claims, "permissions");
  }

  /** {@code aud} is a string when there is one audience and an array otherwise (RFC 7519 allows both). */
  static List<String> audience(JsonNode claims) {
    JsonNode aud = claims.path("aud");
    return aud.isTextual() ? List.of(aud.asText()) : arrayClaim(claims, "aud");
  }

  /** The claim's array in token order, so that sorting and de-duplication are checked too. */
  static List<String> arrayClaim(JsonNode claims, String name) {
    assertThat(claims.path(name).isArray()).as("claim '" + name + "' must be a JSON array in " + claims).isTrue();
    List<String> values = new ArrayList<>();
    claims.path(name).forEach(value -> values.add(value.asText()));
    return values;
  }
}
