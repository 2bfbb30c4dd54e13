package dev.gatehouse.keycloak.apitoken;

import static dev.gatehouse.keycloak.apitoken.KeycloakModelFakes.clientRole;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.keycloak.apitoken.KeycloakModelFakes.Realm;
import org.junit.jupiter.api.Test;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RoleModel;

/** Which realm roles the pack lets an administrator give a robot, decided on stand-in models (no Keycloak server). */
class RobotRolesTest {
  private final Realm realm = new Realm("gatehouse");
  private final ClientModel realmManagement = realm.client("realm-management");
  private final ClientModel permissions = realm.client("gatehouse-permissions");

  @Test
  void anApplicationRoleMayBeGivenEvenWhenItCarriesPermissionsThroughComposites() {
    RoleModel talentManager = realm.role("talent-manager", clientRole(permissions, "view-users"));

    assertThat(RobotRoles.refusal(realm.model, talentManager)).isNull();
  }

  @Test
  void theRealmsDefaultRoleIsRefusedByIdentityAndAnyDefaultRolesNameByPrefix() {
    realm.defaultRole = realm.role("everyone");
    RoleModel otherDefault = realm.role("default-roles-other");
    RoleModel nearMiss = realm.role("defaults-for-partners");

    assertThat(RobotRoles.refusal(realm.model, realm.defaultRole)).contains("'everyone' is the realm's default role");
    assertThat(RobotRoles.refusal(realm.model, otherDefault)).contains("default role");
    assertThat(RobotRoles.refusal(realm.model, nearMiss)).isNull();
  }

  @Test
  void gatehousesReservedServiceAccountRolesAreRefused() {
    for (String reserved : new String[] {"gatehouse-robot-manager", "gatehouse-permission-reader"}) {
      assertThat(RobotRoles.refusal(realm.model, realm.role(reserved)))
          .contains("'" + reserved + "' is reserved for Gatehouse's own service accounts");
    }
  }

  @Test
  void keycloakAdminRightsAreRefusedDirectlyAndThroughNestedComposites() {
    RoleModel manageUsers = clientRole(realmManagement, "manage-users");
    RoleModel middle = realm.role("middle", clientRole(permissions, "view-users"), clientRole(realmManagement,
        "view-users"));
    RoleModel sneaky = realm.role("sneaky", middle);

    assertThat(RobotRoles.refusal(realm.model, manageUsers))
        .contains("carries Keycloak administration rights (realm-management/manage-users)");
    assertThat(RobotRoles.refusal(realm.model, sneaky))
        .contains("'sneaky' carries Keycloak administration rights (realm-management/view-users)");
  }

  @Test
  void aMasterRealmsRealmAdminClientIsAdministrationButASameNamedClientElsewhereIsNot() {
    Realm master = new Realm("master");
    RoleModel masterAdmin = master.role("partner-admin", clientRole(master.client("gatehouse-realm"), "manage-users"));
    RoleModel lookalike = realm.role("lookalike", clientRole(realm.client("gatehouse-realm"), "manage-users"));

    assertThat(RobotRoles.refusal(master.model, masterAdmin)).contains("(gatehouse-realm/manage-users)");
    assertThat(RobotRoles.refusal(realm.model, lookalike)).isNull();
  }

  @Test
  void compositeCyclesEndTheSearch() {
    RoleModel first = realm.role("first");
    RoleModel second = realm.role("second", first);
    first.addCompositeRole(second);
    RoleModel cyclicAdmin = realm.role("cyclic-admin", first, clientRole(realmManagement, "view-realm"));

    assertThat(RobotRoles.refusal(realm.model, second)).isNull();
    assertThat(RobotRoles.refusal(realm.model, cyclicAdmin)).contains("realm-management/view-realm");
  }

  @Test
  void theListingHasTheRobotsRolesAndTheGivableOnesSortedByName() {
    realm.defaultRole = realm.role("default-roles-gatehouse");
    RoleModel talentManager = realm.role("talent-manager");
    realm.role("auditor");
    realm.role("gatehouse-robot-manager");
    realm.role("realm-admin", clientRole(realmManagement, "realm-admin"));

    RobotRoles.Listing listing = RobotRoles.of(realm.model,
        KeycloakModelFakes.user("partner-acme", talentManager, realm.defaultRole));

    assertThat(listing.robot()).isEqualTo("partner-acme");
    assertThat(listing.assigned()).extracting(RobotRoles.View::name)
        .containsExactly("default-roles-gatehouse", "talent-manager");
    assertThat(listing.assignable()).containsExactly(new RobotRoles.View("auditor", "About auditor"),
        new RobotRoles.View("talent-manager", "About talent-manager"));
  }
}
