package dev.gatehouse.keycloak.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.keycloak.revocation.Revocation.Kind;
import dev.gatehouse.keycloak.revocation.Revocation.Reason;
import dev.gatehouse.keycloak.revocation.RealmFacts.ClientFacts;
import dev.gatehouse.keycloak.revocation.RealmFacts.RoleFacts;
import dev.gatehouse.keycloak.revocation.RealmFacts.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminEventRulesTest {
  private static final long NOW = 1_800_000_000_123L;
  private static final long LIFESPAN = 3_600_000L;

  private final FakeRealm realm = new FakeRealm();
  private final AdminEventRules rules = new AdminEventRules(realm, NOW, LIFESPAN);

  @Test
  void disablingAUserRevokesTheSubjectButOtherEditsDoNot() {
    realm.users.put("u1", false);
    realm.users.put("u2", true);

    assertThat(revocations("UPDATE", "USER", "users/u1")).containsExactly(row(Kind.SUBJECT, "u1", Reason.USER_DISABLED));
    assertThat(revocations("UPDATE", "USER", "users/u2")).isEmpty();
    assertThat(revocations("UPDATE", "USER", "users/unknown")).isEmpty();
  }

  @Test
  void signOutsAndCredentialResetsRevokeTheSubject() {
    assertThat(revocations("ACTION", "USER", "users/u1/logout"))
        .containsExactly(row(Kind.SUBJECT, "u1", Reason.SESSION_ENDED));
    assertThat(revocations("ACTION", "USER", "users/u1/reset-password"))
        .containsExactly(row(Kind.SUBJECT, "u1", Reason.CREDENTIALS_RESET));
    assertThat(revocations("DELETE", "USER_SESSION", "sessions/s-1"))
        .containsExactly(row(Kind.SESSION, "s-1", Reason.SESSION_ENDED));
    assertThat(revocations("ACTION", "REALM", "logout-all"))
        .containsExactly(row(Kind.SUBJECT, "*", Reason.SESSION_ENDED));
  }

  @Test
  void aRemovedApiTokenCredentialRevokesTheTokenAndAnyOtherCredentialTheSubject() {
    AdminChange apiToken = new AdminChange("ACTION", "USER", "users/u1/credentials/c1",
        Map.of("credential_type", "gatehouse-api-token"), null);
    AdminChange password = new AdminChange("ACTION", "USER", "users/u1/credentials/c2",
        Map.of("credential_type", "password"), null);

    assertThat(rules.revocationsFor(apiToken).revocations())
        .containsExactly(row(Kind.API_TOKEN, "c1", Reason.API_TOKEN_REVOKED));
    assertThat(rules.revocationsFor(password).revocations())
        .containsExactly(row(Kind.SUBJECT, "u1", Reason.CREDENTIALS_RESET));
  }

  @Test
  void aUsersRoleMappingOrGroupChangeRevokesTheSubject() {
    assertThat(revocations("CREATE", "REALM_ROLE_MAPPING", "users/u1/role-mappings/realm"))
        .containsExactly(row(Kind.SUBJECT, "u1", Reason.PERMISSIONS_CHANGED));
    assertThat(revocations("DELETE", "CLIENT_ROLE_MAPPING", "users/u1/role-mappings/clients/c-uuid"))
        .containsExactly(row(Kind.SUBJECT, "u1", Reason.PERMISSIONS_CHANGED));
    assertThat(revocations("CREATE", "GROUP_MEMBERSHIP", "users/u1/groups/g1"))
        .containsExactly(row(Kind.SUBJECT, "u1", Reason.PERMISSIONS_CHANGED));
  }

  @Test
  void aGroupsRoleMappingRevokesEachRoleNamedNotEachMember() {
    realm.roles.put("r-fellow", new RoleFacts("fellow", Kind.ROLE, List.of(new Target(Kind.ROLE, "fellow"))));
    realm.roles.put("r-view", new RoleFacts("view-users", Kind.PERMISSION,
        List.of(new Target(Kind.PERMISSION, "view-users"))));

    List<Revocation> rows = rules.revocationsFor(new AdminChange("DELETE", "REALM_ROLE_MAPPING",
        "groups/g1/role-mappings/realm", Map.of(), List.of("r-fellow", "r-view"))).revocations();

    assertThat(rows).containsExactly(row(Kind.ROLE, "fellow", Reason.PERMISSIONS_CHANGED),
        row(Kind.PERMISSION, "view-users", Reason.PERMISSIONS_CHANGED));
  }

  @Test
  void withoutTheRepresentationAGroupChangeRevokesEverySubjectAndSaysWhy() {
    AdminEventRules.Outcome outcome = rules.revocationsFor(new AdminChange("CREATE", "REALM_ROLE_MAPPING",
        "groups/g1/role-mappings/realm", Map.of(), null));

    assertThat(outcome.revocations()).containsExactly(row(Kind.SUBJECT, "*", Reason.PERMISSIONS_CHANGED));
    assertThat(outcome.warning()).contains("adminEventsDetailsEnabled");
  }

  @Test
  void aCompositeChangeIsOneRowForTheParentRole() {
    realm.realmRoles.put("talent-manager", new RoleFacts("talent-manager", Kind.ROLE,
        List.of(new Target(Kind.ROLE, "talent-manager"))));
    realm.roles.put("id-tm", realm.realmRoles.get("talent-manager"));

    assertThat(revocations("CREATE", "REALM_ROLE", "roles/talent-manager/composites"))
        .containsExactly(row(Kind.ROLE, "talent-manager", Reason.PERMISSIONS_CHANGED));
    assertThat(revocations("DELETE", "REALM_ROLE", "roles-by-id/id-tm/composites"))
        .containsExactly(row(Kind.ROLE, "talent-manager", Reason.PERMISSIONS_CHANGED));
    assertThat(revocations("UPDATE", "REALM_ROLE", "roles/talent-manager")).isEmpty();
  }

  @Test
  void aCompositeChangeOfAnotherClientsRoleRevokesWhatItGainedOrLost() {
    realm.clientRoles.put("c-uuid/editor", new RoleFacts("editor", null, List.of()));
    realm.roles.put("r-view", new RoleFacts("view-users", Kind.PERMISSION,
        List.of(new Target(Kind.PERMISSION, "view-users"))));

    List<Revocation> rows = rules.revocationsFor(new AdminChange("DELETE", "CLIENT_ROLE",
        "clients/c-uuid/roles/editor/composites", Map.of(), List.of("r-view"))).revocations();

    assertThat(rows).containsExactly(row(Kind.PERMISSION, "view-users", Reason.PERMISSIONS_CHANGED));
  }

  @Test
  void clientsDisabledOrWithANewSecretRevokeTheClient() {
    realm.clients.put("off", new ClientFacts("reporting", false, 0));
    realm.clients.put("on", new ClientFacts("skilltree", true, 0));

    assertThat(revocations("UPDATE", "CLIENT", "clients/off"))
        .containsExactly(row(Kind.CLIENT, "reporting", Reason.CLIENT_DISABLED));
    assertThat(revocations("UPDATE", "CLIENT", "clients/on")).isEmpty();
    assertThat(revocations("ACTION", "CLIENT", "clients/on/client-secret"))
        .containsExactly(row(Kind.CLIENT, "skilltree", Reason.CLIENT_SECRET_ROTATED));
  }

  @Test
  void aRecentRealmNotBeforeRevokesEverySubjectFromThatTime() {
    realm.notBefore = (int) (NOW / 1000) - 10;

    assertThat(revocations("UPDATE", "REALM", "")).containsExactly(
        Revocation.of(Kind.SUBJECT, "*", Reason.SESSION_ENDED, realm.notBefore * 1000L));

    realm.notBefore = (int) ((NOW - LIFESPAN) / 1000) - 1;
    assertThat(revocations("UPDATE", "REALM", "")).as("a not-before older than any token changes nothing").isEmpty();
  }

  @Test
  void pathsMatchWholeSegments() {
    assertThat(AdminEventRules.matches("users/u1/logout".split("/"), "users", "*", "logout")).isTrue();
    assertThat(AdminEventRules.matches("users/u1/logout/x".split("/"), "users", "*", "logout")).isFalse();
    assertThat(AdminEventRules.matches("users//logout".split("/"), "users", "*", "logout")).isFalse();
    assertThat(AdminEventRules.matches("users/u1/role-mappings".split("/"), "users", "*", "role-mappings", "**"))
        .isFalse();
    assertThat(AdminEventRules.matches("users/u1/role-mappings/realm".split("/"), "users", "*", "role-mappings", "**"))
        .isTrue();
  }

  private List<Revocation> revocations(String operation, String resourceType, String path) {
    return rules.revocationsFor(new AdminChange(operation, resourceType, path, Map.of(), null)).revocations();
  }

  private static Revocation row(Kind kind, String key, Reason reason) {
    return Revocation.of(kind, key, reason, NOW);
  }

  private static final class FakeRealm implements RealmFacts {
    final Map<String, Boolean> users = new HashMap<>();
    final Map<String, ClientFacts> clients = new HashMap<>();
    final Map<String, RoleFacts> roles = new HashMap<>();
    final Map<String, RoleFacts> realmRoles = new HashMap<>();
    final Map<String, RoleFacts> clientRoles = new HashMap<>();
    int notBefore;

    @Override
    public Boolean userEnabled(String userId) {
      return users.get(userId);
    }

    @Override
    public ClientFacts clientByUuid(String clientUuid) {
      return clients.get(clientUuid);
    }

    @Override
    public RoleFacts roleById(String roleId) {
      return roles.get(roleId);
    }

    @Override
    public RoleFacts realmRole(String name) {
      return realmRoles.get(name);
    }

    @Override
    public RoleFacts clientRole(String clientUuid, String name) {
      return clientRoles.get(clientUuid + "/" + name);
    }

    @Override
    public int realmNotBeforeSeconds() {
      return notBefore;
    }
  }
}
