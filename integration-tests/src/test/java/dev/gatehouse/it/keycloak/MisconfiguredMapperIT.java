package dev.gatehouse.it.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.it.support.Jwt;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A mapper naming a permissions client that does not exist: tokens still flow, the claim fails closed, one WARN. */
@ExtendWith(RealKeycloak.class)
class MisconfiguredMapperIT {

  @Test
  void missingPermissionsClientOmitsTheClaimAndWarnsOnce(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    String missingClient = GatehouseRealm.unique("no-such-permissions-client");
    Map<String, String> config = GatehouseRealm.mapperConfig("it_broken_permissions", "", GatehouseRealm.ACCESS_TOKEN);
    config.put("permissions.client", missingClient);
    String scopeId = realm.createScopeWithPermissionsMapper("it-misconfigured", config);
    String clientId = realm.createPasswordGrantClient("it-misconfigured", Map.of());
    realm.addDefaultScope(clientId, scopeId);

    for (int request = 0; request < 3; request++) {
      JsonNode access = Jwt.payload(realm.passwordGrant(clientId, "dave").path("access_token").asText());
      assertThat(access.has("it_broken_permissions")).as("fail closed: no claim rather than a wrong one").isFalse();
      assertThat(Jwt.stringSet(access, "permissions")).as("the realm's own mapper is unaffected").contains("manage-users");
    }

    Pattern warning = Pattern.compile("WARN .*Gatehouse permissions mapper '[^']+' in realm 'gatehouse' names"
        + " permissions client '" + Pattern.quote(missingClient) + "'.*Fix: create the client");
    String log = awaitLogMatching(keycloak, warning, Duration.ofSeconds(20));
    assertThat(count(warning, log)).as("three token requests within a minute, one warning").isEqualTo(1);
  }

  @Test
  void theAdminApiRefusesTheSameClaimNameForPermissionsAndRoles(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    String scopeId = realm.admin().post(GatehouseRealm.REALM + "/client-scopes", Map.of(
        "name", GatehouseRealm.unique("it-colliding"), "protocol", "openid-connect")).createdId();

    var response = realm.admin().post(GatehouseRealm.REALM + "/client-scopes/" + scopeId + "/protocol-mappers/models",
        Map.of("name", "colliding", "protocol", "openid-connect", "protocolMapper", GatehouseRealm.MAPPER_ID,
            "config", GatehouseRealm.mapperConfig("perms", "perms", GatehouseRealm.ACCESS_TOKEN)));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("are both \\\"perms\\\"").contains("Choose two different claim names");
  }

  private static String awaitLogMatching(KeycloakServer keycloak, Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String log = keycloak.log();
    while (!pattern.matcher(log).find()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("No log line matching " + pattern + " within " + timeout.toSeconds()
            + " s. Log tail:\n" + keycloak.logTail());
      }
      Thread.onSpinWait();
      log = keycloak.log();
    }
    return log;
  }

  private static int count(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    int count = 0;
    while (matcher.find()) {
      count++;
    }
    return count;
  }
}
