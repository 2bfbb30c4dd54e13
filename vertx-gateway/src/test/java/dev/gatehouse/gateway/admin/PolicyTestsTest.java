package dev.gatehouse.gateway.admin;

import static dev.gatehouse.gateway.testing.GatewayHarness.ADMIN;
import static dev.gatehouse.gateway.testing.GatewayHarness.READER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.InMemoryActivityRepository;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /gatehouse/admin/policy-tests} through a real router, with the policy and Keycloak as doubles. */
class PolicyTestsTest {
  private static final String PATH = "/gatehouse/admin/policy-tests";
  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new GatewayHarness(new InMemoryActivityRepository());
    gateway.permissions
        .subject(PolicySubject.Kind.ROLE, "reader", true, "view-roles")
        .subject(PolicySubject.Kind.USER, "carol", true, "view-roles", "view-users")
        .subject(PolicySubject.Kind.USER, "gone", false, "view-roles")
        .subject(PolicySubject.Kind.CLIENT, "reporting", true);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @AfterEach
  void keycloakBack() {
    gateway.permissions.down(false);
    gateway.policy.loaded(true);
  }

  private static HttpResponse<String> run(String token, String body) throws Exception {
    return gateway.send(gateway.request(PATH).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static JsonObject testCase(JsonObject who, String method, String path, String expected) {
    return new JsonObject().put("who", who).put("method", method).put("path", path).put("expected", expected);
  }

  private static String table(JsonObject... cases) {
    return new JsonObject().put("cases", new JsonArray(java.util.List.of((Object[]) cases))).encode();
  }

  @Test
  void everyCaseIsDecidedLikeExplainAndTheFailuresSayWhy() throws Exception {
    JsonObject viewRoles = new JsonObject().put("permissions", new JsonArray().add("view-roles"));
    HttpResponse<String> response = run(ADMIN, table(
        testCase(viewRoles, "GET", "/api//v1/roles", "allow").put("name", "permission set, normalised path"),
        testCase(new JsonObject().put("role", "reader"), "DELETE", "/api/v1/roles", "deny"),
        testCase(new JsonObject().put("user", "carol"), "GET", "/api/v1/users/7", "allow"),
        testCase(new JsonObject().put("client", "reporting"), "GET", "/api/v1/users", "allow").put("name", "wrong"),
        testCase(new JsonObject().put("user", "gone"), "GET", "/api/v1/roles", "deny"),
        testCase(new JsonObject().put("user", "mallory"), "GET", "/api/v1/roles", "deny"),
        testCase(new JsonObject().put("user", "carol"), "GET", "/api/v1/users/%2F", "deny")));
    HttpResponse<String> explained = gateway.send(gateway.request("/gatehouse/admin/explain")
        .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("method", "GET").put("path", "/api//v1/roles")
            .put("permissions", new JsonArray().add("view-roles")).encode())));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject report = new JsonObject(response.body());
    assertThat(report.getBoolean("passed")).isFalse();
    assertThat(report.getInteger("total")).isEqualTo(7);
    assertThat(report.getInteger("failed")).isEqualTo(2);
    JsonArray cases = report.getJsonArray("cases");

    JsonObject first = cases.getJsonObject(0);
    assertThat(first.getString("name")).isEqualTo("permission set, normalised path");
    assertThat(first.getString("actual")).isEqualTo("allow");
    assertThat(first.getBoolean("passed")).isTrue();
    assertThat(first.getString("normalizedPath")).isEqualTo("/api/v1/roles");
    assertThat(first.getString("reason")).as("the same words as explain")
        .isEqualTo(new JsonObject(explained.body()).getString("reason"));

    assertThat(cases.getJsonObject(1).getBoolean("passed")).isTrue();
    assertThat(cases.getJsonObject(2).getString("reason")).startsWith("User 'carol' has the permissions view-roles,"
        + " view-users. Activity");

    JsonObject wrong = cases.getJsonObject(3);
    assertThat(wrong.getBoolean("passed")).isFalse();
    assertThat(wrong.getString("actual")).isEqualTo("deny");
    assertThat(wrong.getString("reason")).startsWith("Client 'reporting' has no permissions. No activity for GET");

    assertThat(cases.getJsonObject(4).getString("reason")).contains("disabled in Keycloak");
    assertThat(cases.getJsonObject(4).getBoolean("passed")).isTrue();

    JsonObject unknown = cases.getJsonObject(5);
    assertThat(unknown.getBoolean("passed")).as("an unknown user fails even when deny was expected").isFalse();
    assertThat(unknown.getValue("actual")).isNull();
    assertThat(unknown.getString("reason")).isEqualTo("Keycloak does not know user 'mallory': Realm 'test' has no"
        + " user 'mallory'.");

    assertThat(cases.getJsonObject(6).getString("reason")).contains(". The gateway answers 400 for this path");
    assertThat(cases.getJsonObject(6).getBoolean("passed")).isTrue();
  }

  @Test
  void eachSubjectIsResolvedOncePerRun() throws Exception {
    int before = gateway.permissions.subjectsAsked();
    JsonObject carol = new JsonObject().put("user", "carol");

    HttpResponse<String> response = run(ADMIN, table(testCase(carol, "GET", "/api/v1/roles", "allow"),
        testCase(carol, "GET", "/api/v1/users", "allow"), testCase(carol, "POST", "/api/v1/feedback", "deny")));

    assertThat(new JsonObject(response.body()).getBoolean("passed")).as(response.body()).isTrue();
    assertThat(gateway.permissions.subjectsAsked() - before).isEqualTo(1);
  }

  @Test
  void keycloakUnreachableIs503ForRunsThatNameSubjectsOnly() throws Exception {
    gateway.permissions.down(true);

    HttpResponse<String> subjects = run(ADMIN, table(testCase(new JsonObject().put("role", "reader"), "GET",
        "/api/v1/roles", "allow")));
    HttpResponse<String> permissionSets = run(ADMIN, table(testCase(new JsonObject().put("permissions",
        new JsonArray().add("view-roles")), "GET", "/api/v1/roles", "allow")));

    assertThat(subjects.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(subjects.body()).getString("message")).contains("could not be resolved now")
        .contains("could not be reached");
    assertThat(permissionSets.statusCode()).isEqualTo(200);
  }

  @Test
  void activitiesNotLoadedYetIs503() throws Exception {
    gateway.policy.loaded(false);
    HttpResponse<String> response = run(ADMIN, table(testCase(new JsonObject().put("permissions",
        new JsonArray().add("view-roles")), "GET", "/api/v1/roles", "allow")));
    gateway.policy.loaded(true);

    // The access gate itself fails closed first: admin routes are protected routes too.
    assertThat(response.statusCode()).isEqualTo(503);
  }

  @Test
  void aBadTableIsRefusedWholeNamingTheCase() throws Exception {
    int before = gateway.permissions.subjectsAsked();
    JsonObject good = testCase(new JsonObject().put("user", "carol"), "GET", "/api/v1/roles", "allow");

    HttpResponse<String> badExpected = run(ADMIN, table(good, testCase(new JsonObject().put("user", "carol"), "GET",
        "/api/v1/roles", "ALLOW").put("name", "shouting")));
    HttpResponse<String> twoWhos = run(ADMIN, table(testCase(new JsonObject().put("user", "carol").put("role", "x"),
        "GET", "/x", "deny")));
    HttpResponse<String> badMethod = run(ADMIN, table(testCase(new JsonObject().put("user", "carol"), "get", "/x",
        "deny")));
    HttpResponse<String> unknownField = run(ADMIN, table(good.copy().put("expect", "allow")));
    HttpResponse<String> empty = run(ADMIN, "{\"cases\":[]}");

    assertThat(badExpected.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(badExpected.body()).getString("message"))
        .isEqualTo("Case 2 (\"shouting\"): \"expected\" must be \"allow\" or \"deny\" (lower case), got \"ALLOW\".");
    assertThat(new JsonObject(twoWhos.body()).getString("message")).startsWith("Case 1: \"who\" must have exactly one");
    assertThat(new JsonObject(badMethod.body()).getString("message")).startsWith("Case 1: \"method\" must be exactly");
    assertThat(new JsonObject(unknownField.body()).getString("message")).contains("Unknown field \"expect\"");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(gateway.permissions.subjectsAsked()).as("nothing was run").isEqualTo(before);
  }

  @Test
  void runningPolicyTestsNeedsAnActivityLikeAnyAdminRoute() throws Exception {
    HttpResponse<String> response = run(READER, table(testCase(new JsonObject().put("permissions",
        new JsonArray().add("view-roles")), "GET", "/api/v1/roles", "allow")));

    assertThat(response.statusCode()).isEqualTo(403);
  }
}
