package dev.gatehouse.it.keycloak;

import static dev.gatehouse.it.keycloak.PermissionsClaimIT.arrayClaim;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.it.support.Jwt;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With {@code fullScopeAllowed=false} a client sees only the roles in its scope: the claim shrinks to the permissions
 * reachable from its scope mappings (composites expanded), and is an empty array, not absent, when none are.
 */
@ExtendWith(RealKeycloak.class)
class FullScopeIT {

  @Test
  void aClientWithoutFullScopeSeesOnlyPermissionsInItsScope(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    String clientId = realm.createPasswordGrantClient("it-limited-scope", Map.of("fullScopeAllowed", false));
    String daveId = realm.userId("dave");

    JsonNode unscoped = Jwt.payload(realm.passwordGrant(clientId, "dave").path("access_token").asText());
    assertThat(arrayClaim(unscoped, "permissions")).isEmpty();
    assertThat(arrayClaim(unscoped, "roles")).isEmpty();

    var admin = realm.admin();
    JsonNode talentManager = admin.get(GatehouseRealm.REALM + "/roles/talent-manager").expect(200).json();
    admin.post(GatehouseRealm.REALM + "/clients/" + realm.clientUuid(clientId) + "/scope-mappings/realm",
        List.of(talentManager)).expect(204);

    SortedSet<String> expected = new TreeSet<>(realm.effectivePermissions(daveId));
    expected.retainAll(permissionsReachableFrom(realm, talentManager));
    JsonNode scoped = Jwt.payload(realm.passwordGrant(clientId, "dave").path("access_token").asText());

    assertThat(arrayClaim(scoped, "permissions")).contains("view-users", "view-skills")
        .doesNotContain("manage-users").containsExactlyElementsOf(expected);
    assertThat(arrayClaim(scoped, "roles")).containsExactly("fellow", "talent-manager");
  }

  /** Names of the permissions client's roles in the role's deep composite closure, per the admin API. */
  private static Set<String> permissionsReachableFrom(GatehouseRealm realm, JsonNode role) {
    String permissionsClient = realm.clientUuid(GatehouseRealm.PERMISSIONS_CLIENT);
    Set<String> seen = new HashSet<>();
    Set<String> permissions = new HashSet<>();
    Deque<JsonNode> pending = new ArrayDeque<>(List.of(role));
    while (!pending.isEmpty()) {
      JsonNode next = pending.pop();
      if (!seen.add(next.path("id").asText())) {
        continue;
      }
      if (next.path("clientRole").asBoolean() && permissionsClient.equals(next.path("containerId").asText())) {
        permissions.add(next.path("name").asText());
      }
      if (next.path("composite").asBoolean()) {
        realm.admin().get(GatehouseRealm.REALM + "/roles-by-id/" + next.path("id").asText() + "/composites")
            .expect(200).json().forEach(pending::push);
      }
    }
    return permissions;
  }
}
