package dev.gatehouse.it.apitoken;

import static dev.gatehouse.it.apitoken.ApiTokenClient.REALM;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.stack.DevSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
  void theGatewaysServiceAccountManagesRobotsWithTheRobotManagerRoleAndNothingElse(KeycloakServer keycloak)
      throws Exception {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    KeycloakAdminClient admin = keycloak.admin();
    String bearer = admin.token(REALM, Map.of("grant_type", "client_credentials", "client_id", "gateway",
        "client_secret", DevSecrets.gatewayClientSecret())).expect(200).json().path("access_token").asText();
    String adminRealm = keycloak.baseUrl() + "/admin/realms/" + REALM;
    String username = "robot-gw-" + UUID.randomUUID().toString().substring(0, 8);

    HttpResponse<String> robot = send(bearer, "POST", adminRealm + "/api-tokens/robots",
        "{\"username\":\"" + username + "\"}");
    assertThat(robot.statusCode()).as(robot.body()).isEqualTo(201);
    String id = JSON.readTree(robot.body()).path("id").asText();
    assertThat(send(bearer, "GET", adminRealm + "/api-tokens/robots", null).body()).contains(username);
    HttpResponse<String> issued = send(bearer, "POST", adminRealm + "/api-tokens/users/" + id + "/tokens",
        "{\"name\":\"partner\"}");
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    String token = JSON.readTree(issued.body()).path("token").asText();
    assertThat(api.resolveAsGateway(token).status()).isEqualTo(200);
    assertThat(JSON.readTree(send(bearer, "GET", adminRealm + "/api-tokens/users/" + id, null).body())).hasSize(1);
    String tokenId = JSON.readTree(issued.body()).path("id").asText();
    assertThat(send(bearer, "DELETE", adminRealm + "/api-tokens/users/" + id + "/" + tokenId, null).statusCode())
        .isEqualTo(204);
    assertThat(api.resolveAsGateway(token).status()).as("revoked").isIn(400, 401);

    // Least privilege: no person's tokens, no Keycloak user endpoints.
    String person = api.createUser("robot-mgr-not", REALM, "fellow");
    assertThat(send(bearer, "GET", adminRealm + "/api-tokens/users/" + person, null).statusCode()).isEqualTo(403);
    assertThat(send(bearer, "POST", adminRealm + "/api-tokens/users/" + person + "/tokens", "{\"name\":\"x\"}")
        .statusCode()).isEqualTo(403);
    assertThat(send(bearer, "GET", adminRealm + "/users", null).statusCode()).isEqualTo(403);
    assertThat(send(bearer, "GET", adminRealm + "/users/" + id + "/role-mappings", null).statusCode())
        .isEqualTo(403);

    // And without the role (a fellow's own token), the robot endpoints refuse.
    String fellow = api.userAccessToken(REALM, ApiTokenClient.TEST_CLIENT, person);
    assertThat(send(fellow, "GET", adminRealm + "/api-tokens/robots", null).statusCode()).isEqualTo(403);
    assertThat(send(fellow, "POST", adminRealm + "/api-tokens/users/" + id + "/tokens", "{\"name\":\"x\"}")
        .statusCode()).isEqualTo(403);
  }

  @Test
  void aRobotsRealmRolesAreGivenAndTakenButNeverAdminOrDefaultRolesAndNeverAPersons(KeycloakServer keycloak)
      throws Exception {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    KeycloakAdminClient admin = keycloak.admin();
    String bearer = admin.token(REALM, Map.of("grant_type", "client_credentials", "client_id", "gateway",
        "client_secret", DevSecrets.gatewayClientSecret())).expect(200).json().path("access_token").asText();
    String adminRealm = keycloak.baseUrl() + "/admin/realms/" + REALM;
    String robot = JSON.readTree(send(bearer, "POST", adminRealm + "/api-tokens/robots", "{\"username\":\"robot-roles-"
        + UUID.randomUUID().toString().substring(0, 8) + "\"}").body()).path("id").asText();
    // A realm role that carries a Keycloak admin right through a composite.
    String sneaky = "sneaky-" + UUID.randomUUID().toString().substring(0, 8);
    admin.post(REALM + "/roles", Map.of("name", sneaky)).expect(201);
    String realmManagement = admin.get(REALM + "/clients?clientId=realm-management").expect(200).json().get(0)
        .path("id").asText();
    JsonNode viewUsers = admin.get(REALM + "/clients/" + realmManagement + "/roles/view-users").expect(200).json();
    admin.post(REALM + "/roles/" + sneaky + "/composites", java.util.List.of(Map.of("id", viewUsers.path("id").asText(),
        "name", "view-users"))).expect(204);
    String roles = adminRealm + "/api-tokens/robots/" + robot + "/roles";

    JsonNode listing = JSON.readTree(send(bearer, "GET", roles, null).body());
    assertThat(listing.path("assigned").findValuesAsText("name")).contains("default-roles-gatehouse");
    assertThat(listing.path("assignable").findValuesAsText("name")).contains("talent-manager", "fellow")
        .doesNotContain("default-roles-gatehouse", "gatehouse-robot-manager", "gatehouse-permission-reader", sneaky);

    HttpResponse<String> given = send(bearer, "PUT", roles + "/talent-manager", null);
    assertThat(given.statusCode()).as(given.body()).isEqualTo(200);
    assertThat(JSON.readTree(given.body()).path("assigned").findValuesAsText("name")).contains("talent-manager");
    assertThat(admin.get(REALM + "/users/" + robot + "/role-mappings/realm").expect(200).json()
        .findValuesAsText("name")).contains("talent-manager");
    assertThat(send(bearer, "PUT", roles + "/talent-manager", null).statusCode()).as("idempotent").isEqualTo(200);
    JsonNode events = admin.get(REALM + "/admin-events?resourceTypes=REALM_ROLE_MAPPING&resourcePath=users/" + robot
        + "/role-mappings/realm").expect(200).json();
    assertThat(events.findValuesAsText("operationType")).as("one event per real change").containsExactly("CREATE");

    for (String refused : java.util.List.of("default-roles-gatehouse", sneaky, "gatehouse-robot-manager")) {
      HttpResponse<String> answer = send(bearer, "PUT", roles + "/" + refused, null);
      assertThat(answer.statusCode()).as(refused + ": " + answer.body()).isEqualTo(403);
      assertThat(answer.body()).contains("access_denied").contains(refused);
    }
    assertThat(send(bearer, "PUT", roles + "/no-such-role", null).statusCode()).isEqualTo(404);

    HttpResponse<String> taken = send(bearer, "DELETE", roles + "/talent-manager", null);
    assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
    assertThat(admin.get(REALM + "/users/" + robot + "/role-mappings/realm").expect(200).json()
        .findValuesAsText("name")).doesNotContain("talent-manager");

    String person = api.createUser("robot-roles-not", REALM, "fellow");
    HttpResponse<String> personal = send(bearer, "PUT", adminRealm + "/api-tokens/robots/" + person
        + "/roles/talent-manager", null);
    assertThat(personal.statusCode()).isEqualTo(403);
    assertThat(personal.body()).contains("not a robot user");
    assertThat(admin.get(REALM + "/users/" + person + "/role-mappings/realm").expect(200).json()
        .findValuesAsText("name")).doesNotContain("talent-manager");
  }

  private static HttpResponse<String> send(String bearer, String method, String url, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + bearer)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
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
