package dev.gatehouse.it.keycloak;

import static dev.gatehouse.it.keycloak.PermissionsClaimIT.arrayClaim;
import static dev.gatehouse.it.keycloak.GatehouseRealm.ACCESS_TOKEN;
import static dev.gatehouse.it.keycloak.GatehouseRealm.ID_TOKEN;
import static dev.gatehouse.it.keycloak.GatehouseRealm.INTROSPECTION;
import static dev.gatehouse.it.keycloak.GatehouseRealm.USERINFO;
import static dev.gatehouse.it.keycloak.GatehouseRealm.mapperConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.it.support.Jwt;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each include switch of the mapper puts the claims exactly where it says, and nowhere else. */
@ExtendWith(RealKeycloak.class)
class IncludeSwitchesIT {

  @Test
  void theRealmConfigurationPutsPermissionsEverywhere(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    JsonNode tokens = realm.passwordGrant(GatehouseRealm.TEST_CLIENT, "dave");
    String accessToken = tokens.path("access_token").asText();
    var expected = realm.effectivePermissions(realm.userId("dave"));

    assertThat(arrayClaim(Jwt.payload(accessToken), "permissions")).containsExactlyElementsOf(expected);
    assertThat(arrayClaim(Jwt.payload(tokens.path("id_token").asText()), "permissions")).containsExactlyElementsOf(expected);
    assertThat(arrayClaim(realm.userinfo(accessToken), "permissions")).containsExactlyElementsOf(expected);
    JsonNode introspection = realm.introspectAsGateway(accessToken);
    assertThat(introspection.path("active").asBoolean()).as("the gateway may introspect: it is in aud").isTrue();
    assertThat(arrayClaim(introspection, "permissions")).containsExactlyElementsOf(expected);
  }

  @Test
  void switchedOffTargetsDoNotGetTheClaims(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    String accessOnly = realm.createScopeWithPermissionsMapper("it-access-only",
        mapperConfig("it_access_permissions", "", ACCESS_TOKEN));
    String allButAccess = realm.createScopeWithPermissionsMapper("it-all-but-access",
        mapperConfig("it_other_permissions", "it_other_roles", ID_TOKEN, USERINFO, INTROSPECTION));
    String clientId = realm.createPasswordGrantClient("it-switches", Map.of());
    realm.addDefaultScope(clientId, accessOnly);
    realm.addDefaultScope(clientId, allButAccess);
    var expected = realm.effectivePermissions(realm.userId("dave"));

    JsonNode tokens = realm.passwordGrant(clientId, "dave");
    String accessToken = tokens.path("access_token").asText();
    JsonNode access = Jwt.payload(accessToken);
    JsonNode id = Jwt.payload(tokens.path("id_token").asText());
    JsonNode userinfo = realm.userinfo(accessToken);
    JsonNode introspection = realm.introspectAsGateway(accessToken);

    assertThat(arrayClaim(access, "it_access_permissions")).containsExactlyElementsOf(expected);
    assertThat(access.has("it_other_permissions")).isFalse();
    assertThat(access.has("it_other_roles")).isFalse();
    for (JsonNode elsewhere : new JsonNode[] {id, userinfo, introspection}) {
      assertThat(elsewhere.has("it_access_permissions")).as("only in the access token: " + elsewhere).isFalse();
      assertThat(arrayClaim(elsewhere, "it_other_permissions")).containsExactlyElementsOf(expected);
      assertThat(arrayClaim(elsewhere, "it_other_roles")).contains("admin");
    }
  }

  @Test
  void lightweightAccessTokensCarryOnlyClaimsSwitchedOnForThem(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    String notLightweight = realm.createScopeWithPermissionsMapper("it-not-lightweight",
        mapperConfig("it_heavy_permissions", "", ACCESS_TOKEN));
    String clientId = realm.createPasswordGrantClient("it-lightweight",
        Map.of("attributes", Map.of("client.use.lightweight.access.token.enabled", "true")));
    realm.addDefaultScope(clientId, notLightweight);

    JsonNode access = Jwt.payload(realm.passwordGrant(clientId, "dave").path("access_token").asText());

    assertThat(arrayClaim(access, "permissions")).containsExactlyElementsOf(realm.effectivePermissions(realm.userId("dave")));
    assertThat(PermissionsClaimIT.audience(access)).contains("gateway");
    assertThat(access.has("it_heavy_permissions")).isFalse();
  }
}
