package dev.gatehouse.it.keycloak;

import static dev.gatehouse.it.keycloak.GatehouseRealm.REALM;
import static dev.gatehouse.it.keycloak.GatehouseRealm.TEST_CLIENT;
import static dev.gatehouse.it.keycloak.GatehouseRealm.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.it.support.Jwt;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.it.support.RevocationsTable;
import dev.gatehouse.it.support.RevocationsTable.Row;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keycloak's half of live revocation (issue #14) against the real Keycloak and PostgreSQL: each change that must end
 * access, done through Keycloak's admin REST API or its OIDC endpoints, ends up as the contract's row in the gateways'
 * {@code revocations} table.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class RevocationEventsIT {
  private static final Duration DELIVERY = Duration.ofSeconds(20);
  private static final long LIFESPAN_MILLIS = Duration.ofHours(1).toMillis();

  private GatehouseRealm realm;
  private KeycloakAdminClient admin;
  private RevocationsTable revocations;
  private PostgresServer postgres;

  @BeforeEach
  void setUp(KeycloakServer keycloak, PostgresServer gatewayDatabase) {
    realm = new GatehouseRealm(keycloak);
    admin = realm.admin();
    postgres = gatewayDatabase;
    revocations = RevocationsTable.in(gatewayDatabase);
  }

  @Test
  void aLogoutAtTheOidcEndpointRevokesThatSession(KeycloakServer keycloak) {
    String userId = realm.createUser("it-rev-logout");
    JsonNode tokens = realm.passwordGrant(TEST_CLIENT, realm.username(userId));
    String sid = Jwt.payload(tokens.path("access_token").asText()).path("sid").asText();
    assertThat(sid).isNotEmpty();

    long before = System.currentTimeMillis();
    admin.postForm(keycloak.issuer(REALM) + "/protocol/openid-connect/logout", Map.of(
        "client_id", TEST_CLIENT, "refresh_token", tokens.path("refresh_token").asText()), null).expect(204);
    long after = System.currentTimeMillis();

    Row row = revocations.await("session", sid, DELIVERY, r -> r.reason().equals("logout"));
    assertThat(row.notBefore()).isBetween(before, after);
    assertThat(row.expiresAt()).isEqualTo(row.notBefore() + LIFESPAN_MILLIS);
    assertThat(row.source()).startsWith("keycloak ");
  }

  @Test
  void anAdminEndingOneSessionRevokesThatSession() {
    String userId = realm.createUser("it-rev-session");
    String sid = Jwt.payload(realm.passwordGrant(TEST_CLIENT, realm.username(userId)).path("access_token").asText())
        .path("sid").asText();

    admin.delete(REALM + "/sessions/" + sid).expect(204);

    revocations.await("session", sid, DELIVERY, r -> Set.of("logout", "session_ended").contains(r.reason()));
  }

  @Test
  void anAdminSigningAUserOutRevokesTheSubject() {
    String userId = realm.createUser("it-rev-signout");
    realm.passwordGrant(TEST_CLIENT, realm.username(userId));

    admin.post(REALM + "/users/" + userId + "/logout", Map.of()).expect(204);

    revocations.await("subject", userId, DELIVERY, r -> r.reason().equals("session_ended"));
  }

  @Test
  void aRealmWideSignOutRevokesEverySubject() {
    long last = revocations.lastId();

    admin.post(REALM + "/logout-all", Map.of()).expect(200);

    revocations.await("subject", "*", DELIVERY, r -> r.id() > last && r.reason().equals("session_ended"));
  }

  @Test
  void disablingAUserRevokesTheSubject() {
    String userId = realm.createUser("it-rev-disable");

    updateUser(REALM, userId, "enabled", false);

    revocations.await("subject", userId, DELIVERY, r -> r.reason().equals("user_disabled"));
  }

  @Test
  void updatingAnEnabledUserRevokesNothing() {
    String userId = realm.createUser("it-rev-edit");
    updateUser(REALM, userId, "firstName", "Renamed");
    // A later change of the same user is delivered after the edit: once it is there, the edit produced nothing.
    updateUser(REALM, userId, "enabled", false);

    revocations.await("subject", userId, DELIVERY, r -> r.reason().equals("user_disabled"));
    assertThat(revocations.rows("subject", userId)).extracting(Row::reason).containsExactly("user_disabled");
  }

  @Test
  void deletingAUserRevokesTheSubject() {
    String userId = realm.createUser("it-rev-delete");

    admin.delete(REALM + "/users/" + userId).expect(204);

    revocations.await("subject", userId, DELIVERY, r -> r.reason().equals("user_deleted"));
  }

  @Test
  void anAdminResettingThePasswordRevokesTheSubject() {
    String userId = realm.createUser("it-rev-reset");

    admin.put(REALM + "/users/" + userId + "/reset-password",
        Map.of("type", "password", "value", "another-" + userId, "temporary", false)).expect(204);

    revocations.await("subject", userId, DELIVERY, r -> r.reason().equals("credentials_reset"));
  }

  @Test
  void anAdminRemovingACredentialRevokesTheSubject() {
    String userId = realm.createUser("it-rev-credential");
    String passwordId = admin.get(REALM + "/users/" + userId + "/credentials").expect(200).json().get(0)
        .path("id").asText();

    admin.delete(REALM + "/users/" + userId + "/credentials/" + passwordId).expect(204);

    revocations.await("subject", userId, DELIVERY, r -> r.reason().equals("credentials_reset"));
  }

  @Test
  void grantingOrRemovingARealmRoleRevokesTheSubject() {
    String granted = realm.createUser("it-rev-grant");
    String removed = realm.createUser("it-rev-ungrant");
    JsonNode role = admin.get(REALM + "/roles/fellow").expect(200).json();
    admin.post(REALM + "/users/" + removed + "/role-mappings/realm", List.of(role)).expect(204);
    revocations.await("subject", removed, DELIVERY, r -> r.reason().equals("permissions_changed"));
    long last = revocations.lastId();

    admin.post(REALM + "/users/" + granted + "/role-mappings/realm", List.of(role)).expect(204);
    admin.delete(REALM + "/users/" + removed + "/role-mappings/realm", List.of(role)).expect(204);

    revocations.await("subject", granted, DELIVERY, r -> r.reason().equals("permissions_changed"));
    revocations.await("subject", removed, DELIVERY, r -> r.id() > last && r.reason().equals("permissions_changed"));
  }

  @Test
  void grantingAPermissionDirectlyRevokesTheSubject() {
    String userId = realm.createUser("it-rev-client-role");

    admin.post(REALM + "/users/" + userId + "/role-mappings/clients/"
        + realm.clientUuid(GatehouseRealm.PERMISSIONS_CLIENT), List.of(realm.permissionRole("view-users"))).expect(204);

    revocations.await("subject", userId, DELIVERY, r -> r.reason().equals("permissions_changed"));
  }

  @Test
  void joiningOrLeavingAGroupRevokesTheSubject() {
    String joiner = realm.createUser("it-rev-join");
    String leaver = realm.createUser("it-rev-leave");
    String groupId = admin.post(REALM + "/groups", Map.of("name", unique("it-rev-group"))).createdId();
    admin.put(REALM + "/users/" + leaver + "/groups/" + groupId, Map.of()).expect(204);
    revocations.await("subject", leaver, DELIVERY, r -> r.reason().equals("permissions_changed"));
    long last = revocations.lastId();

    admin.put(REALM + "/users/" + joiner + "/groups/" + groupId, Map.of()).expect(204);
    admin.delete(REALM + "/users/" + leaver + "/groups/" + groupId).expect(204);

    revocations.await("subject", joiner, DELIVERY, r -> r.reason().equals("permissions_changed"));
    revocations.await("subject", leaver, DELIVERY, r -> r.id() > last && r.reason().equals("permissions_changed"));
  }

  @Test
  void aGroupGainingOrLosingARoleRevokesThatRoleOnceNotEachMember() {
    String roleName = createRealmRole("it-rev-group-role");
    String groupId = admin.post(REALM + "/groups", Map.of("name", unique("it-rev-big-group"))).createdId();
    List<String> members = List.of(realm.createUser("it-rev-m1"), realm.createUser("it-rev-m2"),
        realm.createUser("it-rev-m3"));
    for (String member : members) {
      admin.put(REALM + "/users/" + member + "/groups/" + groupId, Map.of()).expect(204);
      revocations.await("subject", member, DELIVERY, r -> true);
    }
    long last = revocations.lastId();
    JsonNode role = admin.get(REALM + "/roles/" + roleName).expect(200).json();

    admin.post(REALM + "/groups/" + groupId + "/role-mappings/realm", List.of(role)).expect(204);
    revocations.await("role", roleName, DELIVERY, r -> r.id() > last && r.reason().equals("permissions_changed"));
    admin.delete(REALM + "/groups/" + groupId + "/role-mappings/realm", List.of(role)).expect(204);
    revocations.await("role", roleName, DELIVERY, r -> r.id() > last + 1 && r.reason().equals("permissions_changed"));

    assertThat(revocations.rows("role", roleName)).hasSize(2);
    for (String member : members) {
      assertThat(revocations.rows("subject", member)).as("rows for member " + member).allMatch(r -> r.id() <= last);
    }
  }

  @Test
  void aCompositeChangeOfARoleHeldByManyIsOneRowForTheRole() {
    String roleName = createRealmRole("it-rev-composite");
    JsonNode role = admin.get(REALM + "/roles/" + roleName).expect(200).json();
    List<String> holders = List.of(realm.createUser("it-rev-h1"), realm.createUser("it-rev-h2"),
        realm.createUser("it-rev-h3"));
    for (String holder : holders) {
      admin.post(REALM + "/users/" + holder + "/role-mappings/realm", List.of(role)).expect(204);
      revocations.await("subject", holder, DELIVERY, r -> true);
    }
    long last = revocations.lastId();
    JsonNode permission = realm.permissionRole("view-users");

    admin.post(REALM + "/roles/" + roleName + "/composites", List.of(permission)).expect(204);
    revocations.await("role", roleName, DELIVERY, r -> r.id() > last && r.reason().equals("permissions_changed"));
    admin.delete(REALM + "/roles-by-id/" + role.path("id").asText() + "/composites", List.of(permission)).expect(204);
    revocations.await("role", roleName, DELIVERY, r -> r.id() > last + 1 && r.reason().equals("permissions_changed"));

    assertThat(revocations.rows("role", roleName)).as("one row per composite change").hasSize(2);
    for (String holder : holders) {
      assertThat(revocations.rows("subject", holder)).as("rows for holder " + holder).allMatch(r -> r.id() <= last);
    }
  }

  @Test
  void deletingARealmRoleRevokesTheRole() {
    String roleName = createRealmRole("it-rev-doomed-role");

    admin.delete(REALM + "/roles/" + roleName).expect(204);

    revocations.await("role", roleName, DELIVERY, r -> r.reason().equals("role_deleted"));
  }

  @Test
  void deletingAPermissionRevokesThePermission() {
    String permissionsClient = realm.clientUuid(GatehouseRealm.PERMISSIONS_CLIENT);
    String name = unique("it-rev-permission");
    admin.post(REALM + "/clients/" + permissionsClient + "/roles", Map.of("name", name)).expect(201);

    admin.delete(REALM + "/clients/" + permissionsClient + "/roles/" + name).expect(204);

    revocations.await("permission", name, DELIVERY, r -> r.reason().equals("role_deleted"));
  }

  @Test
  void disablingAClientRevokesItsTokens() {
    String clientId = unique("it-rev-client-off");
    String uuid = createServiceClient(clientId);
    ObjectNode client = (ObjectNode) admin.get(REALM + "/clients/" + uuid).expect(200).json();
    client.put("enabled", false);

    admin.put(REALM + "/clients/" + uuid, client).expect(204);

    revocations.await("client", clientId, DELIVERY, r -> r.reason().equals("client_disabled"));
  }

  @Test
  void regeneratingAClientSecretRevokesItsTokens() {
    String clientId = unique("it-rev-client-secret");
    String uuid = createServiceClient(clientId);

    admin.post(REALM + "/clients/" + uuid + "/client-secret", Map.of()).expect(200);

    revocations.await("client", clientId, DELIVERY, r -> r.reason().equals("client_secret_rotated"));
  }

  @Test
  void deletingAClientRevokesItsTokens() {
    String clientId = unique("it-rev-client-gone");
    String uuid = createServiceClient(clientId);

    admin.delete(REALM + "/clients/" + uuid).expect(204);

    revocations.await("client", clientId, DELIVERY, r -> r.reason().equals("client_deleted"));
  }

  @Test
  void changesInARealmWithoutTheListenerRevokeNothing() {
    String otherRealm = "fake-google";
    String userId = admin.post(otherRealm + "/users", Map.of("username", unique("it-rev-foreign"), "enabled", true))
        .createdId();
    String marker = realm.createUser("it-rev-marker");

    updateUser(otherRealm, userId, "enabled", false);
    updateUser(REALM, marker, "enabled", false);

    revocations.await("subject", marker, DELIVERY, r -> r.reason().equals("user_disabled"));
    assertThat(revocations.rows("subject", userId)).isEmpty();
  }

  @Test
  void aChangeWhileTheGatewayDatabaseIsDownSucceedsAndIsDeliveredWhenItIsBack() {
    String userId = realm.createUser("it-rev-db-down");
    postgres.stop();
    try {
      updateUser(REALM, userId, "enabled", false);
      assertThat(admin.get(REALM + "/users/" + userId).expect(200).json().path("enabled").asBoolean()).isFalse();
    } finally {
      postgres.restart();
    }

    revocations.await("subject", userId, DELIVERY, r -> r.reason().equals("user_disabled"));
  }

  /** As the admin console does: the whole representation back, with one field changed. */
  private void updateUser(String realmName, String userId, String field, Object value) {
    ObjectNode user = (ObjectNode) admin.get(realmName + "/users/" + userId).expect(200).json();
    user.putPOJO(field, value);
    admin.put(realmName + "/users/" + userId, user).expect(204);
  }

  private String createRealmRole(String prefix) {
    String name = unique(prefix);
    admin.post(REALM + "/roles", Map.of("name", name)).expect(201);
    return name;
  }

  private String createServiceClient(String clientId) {
    return admin.post(REALM + "/clients", Map.of("clientId", clientId, "publicClient", false,
        "serviceAccountsEnabled", true, "standardFlowEnabled", false)).createdId();
  }
}
