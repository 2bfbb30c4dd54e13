package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import dev.gatehouse.stack.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The activities admin API through a real gateway, PostgreSQL and Keycloak: validation, permission names checked
 * against the realm, ETag/If-Match, conflicts, who may use it, and explain.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACTIVITIES = "/gatehouse/admin/activities";
  private static final String EXPLAIN = "/gatehouse/admin/explain";

  private GatewayUnderTest gw;
  private RealmTokens realmTokens;
  private String dave;
  private String carol;
  private String erin;

  @BeforeAll
  void start(KeycloakServer keycloak, PostgresServer postgres) {
    RealmTokens realm = new RealmTokens(keycloak);
    realmTokens = realm;
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
      "lower-case method            | get   | /api/it-admin/x                  | GET, POST, PUT, PATCH, DELETE",
      "method with spaces           | ' GET ' | /api/it-admin/x                | GET, POST, PUT, PATCH, DELETE",
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
    assertThat(allowed.path("decidingActivity").path("urlRegex").asText()).isEqualTo("/api/v1/users/[^/]+");
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
        "{\"method\":\"PATCH\",\"urlRegex\":\"/api/it-admin/[^/?#]+\",\"description\":\"it\",\"permissions\":[\"view-skills\"]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode activity = JSON.readTree(created.body());
    assertThat(activity.path("method").asText()).isEqualTo("PATCH");
    long id = activity.path("id").asLong();

    assertThat(gw.get(ACTIVITIES + "/" + id, dave).statusCode()).isEqualTo(200);
    assertThat(gw.send("DELETE", ACTIVITIES + "/" + id, dave, null).statusCode()).isEqualTo(204);
    assertThat(gw.get(ACTIVITIES + "/" + id, dave).statusCode()).isEqualTo(404);
  }

  @Test
  void permissionNamesAreCheckedAgainstTheRealmsPermissionsInKeycloak() throws IOException {
    JsonNode before = list(dave);
    String regex = "/api/it-admin/known-" + UUID.randomUUID().toString().substring(0, 8);

    HttpResponse<String> unknown = gw.send("POST", ACTIVITIES, dave, activity("GET", regex, "view-skils"));

    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
    JsonNode error = JSON.readTree(unknown.body());
    assertThat(error.path("error").asText()).isEqualTo("unknown_permission");
    assertThat(error.path("message").asText()).contains("'view-skils'", "gatehouse-permissions", "gatehouse",
        "allowUnknownPermissions=true");
    assertThat(error.path("unknownPermissions").toString()).isEqualTo("[\"view-skils\"]");
    assertThat(list(dave)).as("nothing stored").isEqualTo(before);

    HttpResponse<String> real = gw.send("POST", ACTIVITIES, dave, activity("GET", regex, "view-skills",
        "manage-activities"));
    assertThat(real.statusCode()).as(real.body()).isEqualTo(201);
    long id = JSON.readTree(real.body()).path("id").asLong();

    HttpResponse<String> linkUnknown = gw.send("PUT", ACTIVITIES + "/" + id + "/permissions/export-reports", dave, null);
    assertThat(linkUnknown.statusCode()).as(linkUnknown.body()).isEqualTo(400);
    assertThat(JSON.readTree(gw.get(ACTIVITIES + "/" + id, dave).body()).path("permissions").toString())
        .isEqualTo("[\"manage-activities\",\"view-skills\"]");

    HttpResponse<String> linkAnyway = gw.send("PUT", ACTIVITIES + "/" + id
        + "/permissions/export-reports?allowUnknownPermissions=true", dave, null);
    HttpResponse<String> createAnyway = gw.send("POST", ACTIVITIES + "?allowUnknownPermissions=true", dave,
        activity("GET", regex + "/x", "export-reports"));
    assertThat(linkAnyway.statusCode()).as(linkAnyway.body()).isEqualTo(200);
    assertThat(JSON.readTree(linkAnyway.body()).path("permissions").toString())
        .isEqualTo("[\"export-reports\",\"manage-activities\",\"view-skills\"]");
    assertThat(createAnyway.statusCode()).as(createAnyway.body()).isEqualTo(201);

    gw.send("DELETE", ACTIVITIES + "/" + id, dave, null);
    gw.send("DELETE", ACTIVITIES + "/" + JSON.readTree(createAnyway.body()).path("id").asLong(), dave, null);
  }

  @Test
  void withKeycloakUnreachableNamedPermissionsAre503UnlessOverridden(PostgresServer postgres) throws IOException {
    int closedPort = FreePorts.next();
    try (GatewayUnderTest cut = GatewayUnderTest.start(realmTokens.issuer(), postgres, config -> config
        .put("admin", new io.vertx.core.json.JsonObject().put("permissionCheck", new io.vertx.core.json.JsonObject()
            .put("keycloakUrl", "http://127.0.0.1:" + closedPort).put("httpTimeoutMillis", 2000))), true)) {
      JsonNode before = list(dave);
      String regex = "/api/it-admin/cut-" + UUID.randomUUID().toString().substring(0, 8);

      HttpResponse<String> refused = cut.send("POST", ACTIVITIES, dave, activity("GET", regex, "view-skills"));

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      JsonNode error = JSON.readTree(refused.body());
      assertThat(error.path("error").asText()).isEqualTo("unavailable");
      assertThat(error.path("message").asText()).contains("could not be reached", "127.0.0.1:" + closedPort,
          "Nothing was changed", "allowUnknownPermissions=true");
      assertThat(list(dave)).as("nothing stored").isEqualTo(before);

      HttpResponse<String> overridden = cut.send("POST", ACTIVITIES + "?allowUnknownPermissions=true", dave,
          activity("GET", regex, "view-skills"));
      assertThat(overridden.statusCode()).as(overridden.body()).isEqualTo(201);
      cut.send("DELETE", ACTIVITIES + "/" + JSON.readTree(overridden.body()).path("id").asLong(), dave, null);
    }
  }

  @Test
  void laxInputIsRefusedAndChangesNothing() throws IOException {
    JsonNode before = list(dave);
    String regex = "/api/it-admin/lax-" + UUID.randomUUID().toString().substring(0, 8);

    HttpResponse<String> duplicateKey = gw.send("POST", ACTIVITIES, dave, "{\"method\":\"GET\",\"urlRegex\":\"" + regex
        + "\",\"permissions\":[\"view-skills\"],\"urlRegex\":\"/api/.*\"}");
    HttpResponse<String> noContentType = raw("POST", ACTIVITIES, Map.of(), activity("GET", regex, "view-skills")
        .getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> formEncoded = raw("POST", ACTIVITIES, Map.of("Content-Type",
        "application/x-www-form-urlencoded"), activity("GET", regex, "view-skills").getBytes(StandardCharsets.UTF_8));
    byte[] latin1 = activity("GET", regex, "view-skills").replace("\"permissions\"", "\"description\":\"caf\u00e9\","
        + "\"permissions\"").getBytes(StandardCharsets.ISO_8859_1);
    HttpResponse<String> notUtf8 = raw("POST", ACTIVITIES, Map.of("Content-Type", "application/json"), latin1);
    HttpResponse<String> unknownField = gw.send("POST", ACTIVITIES, dave, "{\"method\":\"GET\",\"urlRegex\":\""
        + regex + "\",\"permision\":[\"view-skills\"]}");
    HttpResponse<String> nul = gw.send("POST", ACTIVITIES, dave, "{\"method\":\"GET\",\"urlRegex\":\"" + regex
        + "\",\"description\":\"a\\u0000b\"}");

    assertThat(duplicateKey.statusCode()).as(duplicateKey.body()).isEqualTo(400);
    assertThat(JSON.readTree(duplicateKey.body()).path("message").asText()).contains("'urlRegex' more than once");
    assertThat(noContentType.statusCode()).as(noContentType.body()).isEqualTo(415);
    assertThat(JSON.readTree(noContentType.body()).path("message").asText()).contains("application/json");
    assertThat(formEncoded.statusCode()).isEqualTo(415);
    assertThat(notUtf8.statusCode()).as(notUtf8.body()).isEqualTo(400);
    assertThat(JSON.readTree(notUtf8.body()).path("message").asText()).contains("UTF-8");
    assertThat(unknownField.statusCode()).isEqualTo(400);
    assertThat(nul.statusCode()).as("PostgreSQL cannot store NUL: a 400, not a 503").isEqualTo(400);
    assertThat(list(dave)).as("nothing stored").isEqualTo(before);
  }

  @Test
  void replacingNeedsTheCurrentETagSoNoUpdateIsLost() throws IOException {
    String regex = "/api/it-admin/etag-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created = gw.send("POST", ACTIVITIES, dave, activity("GET", regex, "view-skills"));
    long id = JSON.readTree(created.body()).path("id").asLong();
    String path = ACTIVITIES + "/" + id;
    String firstTag = gw.get(path, dave).headers().firstValue("ETag").orElseThrow();
    assertThat(created.headers().firstValue("ETag")).hasValue(firstTag);

    // Two admins read the same version; the first one's edit lands, the second one's stale replacement must not.
    HttpResponse<String> firstEdit = gw.send("PUT", path + "/permissions/view-users", dave, null,
        Map.of("If-Match", firstTag));
    assertThat(firstEdit.statusCode()).as(firstEdit.body()).isEqualTo(200);
    String secondTag = firstEdit.headers().firstValue("ETag").orElseThrow();
    JsonNode afterFirstEdit = list(dave);

    HttpResponse<String> stale = gw.send("PUT", path, dave, activity("GET", regex, "view-skills"),
        Map.of("If-Match", firstTag));
    HttpResponse<String> unconditional = gw.send("PUT", path, dave, activity("GET", regex, "view-skills"));
    HttpResponse<String> staleDelete = gw.send("DELETE", path, dave, null, Map.of("If-Match", firstTag));

    assertThat(stale.statusCode()).as(stale.body()).isEqualTo(412);
    assertThat(JSON.readTree(stale.body()).path("error").asText()).isEqualTo("precondition_failed");
    assertThat(stale.headers().firstValue("ETag")).hasValue(secondTag);
    assertThat(unconditional.statusCode()).as(unconditional.body()).isEqualTo(428);
    assertThat(staleDelete.statusCode()).isEqualTo(412);
    assertThat(list(dave)).as("nothing changed: the first edit is kept").isEqualTo(afterFirstEdit);

    HttpResponse<String> current = gw.send("PUT", path, dave, activity("GET", regex, "view-skills"),
        Map.of("If-Match", secondTag));
    assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
    assertThat(current.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(secondTag);
    assertThat(gw.send("DELETE", path, dave, null, Map.of("If-Match", current.headers().firstValue("ETag")
        .orElseThrow())).statusCode()).isEqualTo(204);
  }

  private static String activity(String method, String regex, String... permissions) {
    var permissionList = JSON.createArrayNode();
    for (String permission : permissions) {
      permissionList.add(permission);
    }
    return JSON.createObjectNode().put("method", method).put("urlRegex", regex).put("description", "it")
        .set("permissions", permissionList).toString();
  }

  private HttpResponse<String> raw(String method, String path, Map<String, String> headers, byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gw.url(path)))
        .header("Authorization", "Bearer " + dave)
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try {
      return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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
