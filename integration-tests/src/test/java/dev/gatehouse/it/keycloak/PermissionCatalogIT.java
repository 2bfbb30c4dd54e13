package dev.gatehouse.it.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.stack.DevSecrets;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The extension pack's {@code GET /realms/gatehouse/gatehouse-permissions} against a real Keycloak: it lists exactly
 * the permission roles, only to holders of the realm role {@code gatehouse-permission-reader}, and the gateway's
 * service account, which holds that role, can no longer read the realm's clients or their secrets.
 */
@ExtendWith(RealKeycloak.class)
class PermissionCatalogIT {
  private static final String READER_ROLE = "gatehouse-permission-reader";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theGatewaysServiceAccountGetsExactlyThePermissionRolesWithTheirDescriptions(KeycloakServer keycloak)
      throws IOException {
    GatehouseRealm realm = new GatehouseRealm(keycloak);

    HttpResponse<String> response = catalog(keycloak, gatewayServiceAccountToken(realm));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    JsonNode body = JSON.readTree(response.body());
    assertThat(fieldNames(body)).containsExactly("client", "permissions");
    assertThat(body.path("client").asText()).isEqualTo(GatehouseRealm.PERMISSIONS_CLIENT);
    JsonNode expected = realm.admin().get(GatehouseRealm.REALM + "/clients/"
        + realm.clientUuid(GatehouseRealm.PERMISSIONS_CLIENT) + "/roles?briefRepresentation=false").expect(200).json();
    List<String> listed = new ArrayList<>();
    body.path("permissions").forEach(permission -> {
      assertThat(fieldNames(permission)).containsExactly("name", "description");
      listed.add(permission.path("name").asText());
      String description = descriptionOf(expected, permission.path("name").asText());
      String listedDescription = permission.path("description").isNull() ? "" : permission.path("description").asText();
      assertThat(listedDescription).as(permission.toString()).isEqualTo(description);
    });
    assertThat(listed).as("sorted, and the same set as the admin API's").isSorted()
        .containsExactlyInAnyOrderElementsOf(GatehouseRealm.names(expected))
        .contains("view-roles", "manage-activities");
  }

  @Test
  void aPermissionCreatedAMomentAgoIsListedAndOtherClientsRolesNever(KeycloakServer keycloak) throws IOException {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    String permissionsClient = GatehouseRealm.REALM + "/clients/" + realm.clientUuid(GatehouseRealm.PERMISSIONS_CLIENT);
    String name = GatehouseRealm.unique("it-catalog-perm");
    String bearer = gatewayServiceAccountToken(realm);
    realm.admin().post(permissionsClient + "/roles", Map.of("name", name)).expect(201);
    try {
      JsonNode permissions = JSON.readTree(catalog(keycloak, bearer).body()).path("permissions");

      assertThat(names(permissions)).contains(name)
          .doesNotContain("view-clients", "manage-account", "fellow", "admin", READER_ROLE);
    } finally {
      realm.admin().delete(permissionsClient + "/roles/" + name).expect(204);
    }
    assertThat(names(JSON.readTree(catalog(keycloak, bearer).body()).path("permissions"))).doesNotContain(name);
  }

  @Test
  void rolesCarryingAPermissionAreTheRealmRolesWhoseCompositesHoldIt(KeycloakServer keycloak) throws Exception {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    String bearer = gatewayServiceAccountToken(realm);

    HttpResponse<String> manage = rolesCarrying(keycloak, bearer, "manage-activities");
    assertThat(manage.statusCode()).as(manage.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(manage.body());
    assertThat(fieldNames(body)).containsExactly("permission", "client", "realmRoles");
    // Other tests of this class add roles to the shared realm: of the imported roles, only admin holds it.
    assertThat(texts(body.path("realmRoles"))).as("admin holds it").contains("admin")
        .doesNotContain("fellow", "talent-manager", "default-roles-gatehouse");

    JsonNode viewRoles = JSON.readTree(rolesCarrying(keycloak, bearer, "view-roles").body());
    assertThat(texts(viewRoles.path("realmRoles"))).as("fellow, and every role that includes fellow, sorted")
        .containsExactly("admin", "default-roles-gatehouse", "fellow", "talent-manager");

    HttpResponse<String> unknown = rolesCarrying(keycloak, bearer, "no-such-permission");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).path("error").asText()).isEqualTo("permission_not_found");

    HttpResponse<String> anonymous = rolesCarrying(keycloak, null, "view-roles");
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  private static HttpResponse<String> rolesCarrying(KeycloakServer keycloak, String bearer, String permission)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(keycloak.baseUrl() + "/realms/"
        + GatehouseRealm.REALM + "/gatehouse-permissions/permissions/" + permission + "/roles"))
        .timeout(Duration.ofSeconds(30)).GET();
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aTokenWhoseHolderLacksTheReaderRoleIs403(KeycloakServer keycloak) throws IOException {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    // dave is the realm's "admin": every permission, but not the reader role.
    String dave = realm.passwordGrant(GatehouseRealm.TEST_CLIENT, "dave").path("access_token").asText();

    HttpResponse<String> response = catalog(keycloak, dave);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    JsonNode error = JSON.readTree(response.body());
    assertThat(error.path("error").asText()).isEqualTo("access_denied");
    assertThat(error.path("error_description").asText()).contains(READER_ROLE, GatehouseRealm.TEST_CLIENT);
    assertThat(response.body()).doesNotContain("view-roles");
  }

  @Test
  void theRoleCountsWhenHeldAndInTheClientsScopeAndStopsCountingWhenRemoved(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    String userId = realm.createUser("it-catalog-reader");
    String username = realm.username(userId);
    JsonNode readerRole = realm.admin().get(GatehouseRealm.REALM + "/roles/" + READER_ROLE).expect(200).json();
    String roleMappings = GatehouseRealm.REALM + "/users/" + userId + "/role-mappings/realm";
    realm.admin().post(roleMappings, List.of(readerRole)).expect(204);
    String narrowClient = realm.createPasswordGrantClient("it-catalog-narrow", Map.of("fullScopeAllowed", false));

    String fullScopeToken = realm.passwordGrant(GatehouseRealm.TEST_CLIENT, username).path("access_token").asText();
    String narrowScopeToken = realm.passwordGrant(narrowClient, username).path("access_token").asText();

    assertThat(catalog(keycloak, fullScopeToken).statusCode()).isEqualTo(200);
    assertThat(catalog(keycloak, narrowScopeToken).statusCode())
        .as("held, but outside the role scope of a client with fullScopeAllowed=false").isEqualTo(403);

    realm.admin().delete(roleMappings, List.of(readerRole)).expect(204);
    assertThat(catalog(keycloak, fullScopeToken).statusCode()).as("the same token, after the role was removed")
        .isEqualTo(403);
  }

  @Test
  void withoutATokenIs401WithAChallenge(KeycloakServer keycloak) throws IOException {
    HttpResponse<String> response = catalog(keycloak, null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(JSON.readTree(response.body()).path("error_description").asText()).contains("Authorization: Bearer");
  }

  @Test
  void anInvalidTokenOrAnotherSchemeIs401(KeycloakServer keycloak) throws IOException {
    HttpResponse<String> garbage = catalog(keycloak, "not-a-token");
    HttpResponse<String> basic = send(keycloak, "Basic " + java.util.Base64.getEncoder().encodeToString(
        ("gateway:" + DevSecrets.gatewayClientSecret()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    assertThat(garbage.statusCode()).isEqualTo(401);
    assertThat(garbage.headers().firstValue("WWW-Authenticate")).contains("Bearer error=\"invalid_token\"");
    assertThat(JSON.readTree(garbage.body()).path("error").asText()).isEqualTo("invalid_token");
    assertThat(basic.statusCode()).as("client credentials are not a token").isEqualTo(401);
    assertThat(JSON.readTree(basic.body()).path("error").asText()).isEqualTo("invalid_token");
  }

  @Test
  void tokensOfOtherRealmsAre401EvenTheMasterAdmins(KeycloakServer keycloak) {
    var admin = new GatehouseRealm(keycloak).admin();
    String alice = admin.token("fake-google", Map.of("grant_type", "password", "client_id", "gatehouse-mobile",
        "username", "alice", "password", "alice")).expect(200).json().path("access_token").asText();
    String masterAdmin = admin.token("master", Map.of("grant_type", "password", "client_id", "admin-cli",
        "username", keycloak.options().adminUsername(), "password", keycloak.options().adminPassword()))
        .expect(200).json().path("access_token").asText();

    assertThat(catalog(keycloak, alice).statusCode()).isEqualTo(401);
    assertThat(catalog(keycloak, masterAdmin).statusCode()).isEqualTo(401);
  }

  @Test
  void theGatewaysServiceAccountCanNoLongerReadClientsOrTheirSecrets(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    String bearer = gatewayServiceAccountToken(realm);
    String adminRealm = keycloak.baseUrl() + "/admin/realms/" + GatehouseRealm.REALM;
    String reportingService = realm.clientUuid("reporting-service");
    String permissionsClient = realm.clientUuid(GatehouseRealm.PERMISSIONS_CLIENT);

    assertThat(realm.admin().getWithBearer(adminRealm + "/clients", bearer).status()).isEqualTo(403);
    assertThat(realm.admin().getWithBearer(adminRealm + "/clients/" + reportingService + "/client-secret", bearer)
        .status()).isEqualTo(403);
    assertThat(realm.admin().getWithBearer(adminRealm + "/clients/" + permissionsClient + "/roles", bearer).status())
        .as("the old way of reading the permissions").isEqualTo(403);
    String serviceAccount = realm.serviceAccountUserId("gateway");
    assertThat(realm.admin().get(GatehouseRealm.REALM + "/users/" + serviceAccount + "/role-mappings/clients/"
        + realm.clientUuid("realm-management") + "/composite").expect(200).json())
        .as("no realm-management role at all, directly or through composites").isEmpty();
    assertThat(GatehouseRealm.names(realm.admin().get(GatehouseRealm.REALM + "/users/" + serviceAccount
        + "/role-mappings/realm").expect(200).json()))
        .as("the reader role, and the robot manager role the console's robot pages use: nothing from realm-management")
        .containsExactlyInAnyOrder(READER_ROLE, "gatehouse-robot-manager");
  }

  private static String gatewayServiceAccountToken(GatehouseRealm realm) {
    return realm.clientCredentials("gateway", DevSecrets.gatewayClientSecret()).path("access_token").asText();
  }

  private static HttpResponse<String> catalog(KeycloakServer keycloak, String bearer) {
    return send(keycloak, bearer == null ? null : "Bearer " + bearer);
  }

  private static HttpResponse<String> send(KeycloakServer keycloak, String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(keycloak.baseUrl() + "/realms/"
        + GatehouseRealm.REALM + "/gatehouse-permissions")).timeout(Duration.ofSeconds(30)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String descriptionOf(JsonNode roles, String name) {
    for (JsonNode role : roles) {
      if (role.path("name").asText().equals(name)) {
        return role.path("description").asText();
      }
    }
    throw new AssertionError("no role " + name + " in " + roles);
  }

  private static List<String> names(JsonNode permissions) {
    List<String> names = new ArrayList<>();
    permissions.forEach(permission -> names.add(permission.path("name").asText()));
    return names;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
