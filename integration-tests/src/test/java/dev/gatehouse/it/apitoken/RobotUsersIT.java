package dev.gatehouse.it.apitoken;

import static dev.gatehouse.it.apitoken.ApiTokenClient.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #17, robot users: an administrator creates a user who cannot sign in and issues, lists and revokes its API
 * tokens; tokens for a person are refused; creation and issuance are admin events without the token.
 */
@ExtendWith(RealKeycloak.class)
class RobotUsersIT {
  private static final String ROBOTS = REALM + "/api-tokens/robots";

  @Test
  void anAdministratorCreatesARobotAndManagesItsTokens(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    KeycloakAdminClient admin = keycloak.admin();
    String username = "robot-" + UUID.randomUUID().toString().substring(0, 8);

    JsonNode robot = admin.post(ROBOTS, Map.of("username", username, "description", "ACME order sync"))
        .expect(201).json();
    String id = robot.path("id").asText();
    assertThat(robot.path("username").asText()).isEqualTo(username);
    assertThat(admin.get(ROBOTS).expect(200).json().findValuesAsText("username")).contains(username);
    assertThat(admin.get(REALM + "/users/" + id + "/credentials").expect(200).json()).as("no password").isEmpty();
    assertThat(admin.post(ROBOTS, Map.of("username", username)).status()).as("names are unique").isEqualTo(409);

    // It cannot sign in: no password grant succeeds.
    assertThat(admin.token(REALM, Map.of("grant_type", "password", "client_id", ApiTokenClient.TEST_CLIENT,
        "username", username, "password", "")).status()).isIn(400, 401);

    api.grantRealmRole(REALM, id, "fellow");
    JsonNode created = admin.post(REALM + "/api-tokens/users/" + id + "/tokens", Map.of("name", "acme"))
        .expect(201).json();
    String token = created.path("token").asText();
    assertThat(token).matches(ApiTokenClient.TOKEN_SHAPE);
    JsonNode resolved = api.resolveAsGateway(token).expect(200).json();
    assertThat(resolved.path("access_token").asText()).isNotEmpty();

    JsonNode listed = admin.get(REALM + "/api-tokens/users/" + id).expect(200).json();
    assertThat(listed).hasSize(1);
    assertThat(listed.toString()).doesNotContain(token);

    JsonNode events = admin.get(REALM + "/admin-events?resourcePath=" + "users/" + id + "*").expect(200).json();
    assertThat(events.toString()).doesNotContain(token);

    admin.delete(REALM + "/api-tokens/users/" + id + "/" + created.path("id").asText()).expect(204);
    assertThat(api.resolveAsGateway(token).status()).as("revoked").isIn(400, 401);
  }

  @Test
  void aPersonsTokensAreTheirsAlone(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String person = api.createUser("robot-not", REALM, "fellow");

    KeycloakAdminClient.Response refused = keycloak.admin()
        .post(REALM + "/api-tokens/users/" + person + "/tokens", Map.of("name", "sneaky"));

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("not a robot user");
    assertThat(keycloak.admin().get(REALM + "/api-tokens/users/" + person).expect(200).json()).isEmpty();
  }

  @Test
  void badRobotRequestsAreRefusedWithAReason(KeycloakServer keycloak) {
    KeycloakAdminClient.Response refused = keycloak.admin().post(ROBOTS, Map.of("username", "Has Spaces"));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).contains("\\\"username\\\" must be");
  }
}
