package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.ExtendWith;

/** The activities admin API through a real gateway: validation, conflicts, who may use it, and explain. */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACTIVITIES = "/gatehouse/admin/activities";
  private static final String EXPLAIN = "/gatehouse/admin/explain";

  private GatewayUnderTest gw;
  private String dave;
  private String carol;
  private String erin;

  @BeforeAll
  void start(KeycloakServer keycloak, PostgresServer postgres) {
    RealmTokens realm = new RealmTokens(keycloak);
    dave = realm.accessToken("dave");
    carol = realm.accessToken("carol");
    erin = realm.accessToken("erin");
    gw = GatewayUnderTest.start(realm.issuer(), postgres);
  }

  @AfterAll
  void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "invalid regex                | GET   | /api/it-admin/(unclosed          | regex",
      "ReDoS: adjacent quantifiers  | GET   | /api/[^/]*[^/]*[^/]*/x           | backtrack",
      "anchored with ^              | GET   | ^/api/it-admin/x                 | '^'",
      "anchored with $              | GET   | /api/it-admin/x$                 | $",
      "backreference                | GET   | /api/(a)\\1                       | refused",
      "unknown method               | FETCH | /api/it-admin/x                  | FETCH",
      "relative regex               | GET   | api/it-admin/x                   | '/'"})
  void invalidActivitiesAreRefusedWith400AndNothingIsStored(String name, String method, String urlRegex,
      String messageMentions) throws IOException {
    JsonNode before = list(dave);

    HttpResponse<String> response = gw.send("POST", ACTIVITIES, dave, JSON.createObjectNode()
        .put("method", method).put("urlRegex", urlRegex).set("permissions", JSON.createArrayNode().add("view-skills"))
        .toString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonNode error = JSON.readTree(response.body());
    assertThat(error.path("error").asText()).isEqualTo("bad_request");
    assertThat(error.path("message").asText()).as("the message tells the admin what is wrong")
        .containsIgnoringCase(messageMentions.replace("'", ""));
    assertThat(list(dave)).as("nothing stored").isEqualTo(before);
  }

  @Test
  void aDuplicateOfAnExistingActivityIs409() throws IOException {
    JsonNode before = list(dave);

    HttpResponse<String> response = gw.send("POST", ACTIVITIES, dave,
        "{\"method\":\"GET\",\"urlRegex\":\"/api/v1/roles\",\"permissions\":[\"view-roles\"]}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
    assertThat(JSON.readTree(response.body()).path("message").asText()).isNotBlank();
    assertThat(list(dave)).isEqualTo(before);
  }

  @Test
  void aUserWithoutManageActivitiesIsRefused() throws IOException {
    JsonNode before = list(dave);
    gw.upstream.clear();

    HttpResponse<String> read = gw.get(ACTIVITIES, carol);
    HttpResponse<String> write = gw.send("POST", ACTIVITIES, carol,
        "{\"method\":\"GET\",\"urlRegex\":\"/api/it-admin/carol\",\"permissions\":[\"view-skills\"]}");
    HttpResponse<String> explain = gw.send("POST", EXPLAIN, carol,
        "{\"method\":\"GET\",\"path\":\"/api/v1/users\",\"permissions\":[\"view-users\"]}");

    assertThat(RealmTokens.permissions(carol)).doesNotContain("manage-activities");
    assertThat(read.statusCode()).isEqualTo(403);
    assertThat(write.statusCode()).isEqualTo(403);
    assertThat(explain.statusCode()).isEqualTo(403);
    assertThat(list(dave)).isEqualTo(before);
    assertThat(gw.upstream.received()).isEmpty();
  }

  @Test
  void explainNamesTheDecidingActivity() throws IOException {
    JsonNode allowed = explain("{\"method\":\"GET\",\"path\":\"/api/v1/users/7\",\"permissions\":[\"view-users\"]}");
    assertThat(allowed.path("allowed").asBoolean()).isTrue();
    assertThat(allowed.path("decidingActivity").path("method").asText()).isEqualTo("GET");
    assertThat(allowed.path("decidingActivity").path("urlRegex").asText()).isEqualTo("/api/v1/users/[^/?#]+");
    assertThat(allowed.path("reason").asText()).contains("view-users");

    JsonNode denied = explain("{\"method\":\"GET\",\"path\":\"/api/v1/users/7\",\"permissions\":[\"view-skills\"]}");
    assertThat(denied.path("allowed").asBoolean()).isFalse();
    assertThat(denied.path("decidingActivity").isNull()).isTrue();

    JsonNode byToken = explain(JSON.createObjectNode().put("method", "GET").put("path", "/api/v1/skills/../users")
        .put("token", erin).toString());
    assertThat(byToken.path("allowed").asBoolean()).as("erin lacks view-users").isFalse();
    assertThat(byToken.path("normalizedPath").asText()).isEqualTo("/api/v1/users");

    JsonNode erinSkills = explain(JSON.createObjectNode().put("method", "GET").put("path", "/api/v1/skills")
        .put("token", erin).toString());
    assertThat(erinSkills.path("allowed").asBoolean()).isTrue();
    assertThat(erinSkills.path("decidingActivity").path("urlRegex").asText()).isEqualTo("/api/v1/skills");

    JsonNode badPath = explain("{\"method\":\"GET\",\"path\":\"/api/v1/users%2F1\",\"permissions\":[\"view-users\"]}");
    assertThat(badPath.path("allowed").asBoolean()).isFalse();
    assertThat(badPath.path("reason").asText()).contains("400");
  }

  @Test
  void createdActivitiesCanBeReadAndDeleted() throws IOException {
    HttpResponse<String> created = gw.send("POST", ACTIVITIES, dave,
        "{\"method\":\"patch\",\"urlRegex\":\"/api/it-admin/[^/?#]+\",\"description\":\"it\",\"permissions\":[\"view-skills\"]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode activity = JSON.readTree(created.body());
    assertThat(activity.path("method").asText()).as("methods are stored upper case").isEqualTo("PATCH");
    long id = activity.path("id").asLong();

    assertThat(gw.get(ACTIVITIES + "/" + id, dave).statusCode()).isEqualTo(200);
    assertThat(gw.send("DELETE", ACTIVITIES + "/" + id, dave, null).statusCode()).isEqualTo(204);
    assertThat(gw.get(ACTIVITIES + "/" + id, dave).statusCode()).isEqualTo(404);
  }

  private JsonNode explain(String body) throws IOException {
    HttpResponse<String> response = gw.send("POST", EXPLAIN, dave, body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private JsonNode list(String token) throws IOException {
    HttpResponse<String> response = gw.get(ACTIVITIES, token);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
