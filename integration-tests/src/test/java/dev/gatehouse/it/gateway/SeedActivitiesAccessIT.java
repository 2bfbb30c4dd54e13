package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every seed activity of realm-config/activities.json, called through a real gateway with real Keycloak tokens of
 * carol (talent-manager via group), dave (admin), erin (default roles) and the reporting-service account. The
 * expectation is computed from the token's own permissions claim and the seed file, never from a hand-made list.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedActivitiesAccessIT {
  private static final List<String> SUBJECTS = List.of("carol", "dave", "erin", RealmTokens.SERVICE_ACCOUNT);
  /** Placeholder shapes of the seed regexes, replaced by a sample segment. */
  private static final List<String> SEGMENT_PATTERNS = List.of("[^/?#]+", "[^/]+", "[^/?]+");
  private static final String SAMPLE_SEGMENT = "999999";

  record SeedActivity(String method, String urlRegex, Set<String> permissions) {}

  private GatewayUnderTest gw;
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private List<SeedActivity> seed;

  @BeforeAll
  void start(KeycloakServer keycloak, PostgresServer postgres) throws IOException {
    RealmTokens realm = new RealmTokens(keycloak);
    SUBJECTS.forEach(subject -> tokens.put(subject, realm.tokenOf(subject)));
    seed = readSeed();
    gw = GatewayUnderTest.start(realm.issuer(), postgres);
  }

  @AfterAll
  void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> everySeedActivityIsAllowedExactlyForHoldersOfALinkedPermission() {
    List<DynamicTest> tests = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (SeedActivity activity : seed) {
      String path = concretePath(activity.urlRegex());
      if (path == null) {
        skipped.add(activity.method() + " " + activity.urlRegex());
        continue;
      }
      for (String subject : SUBJECTS) {
        tests.add(DynamicTest.dynamicTest(activity.method() + " " + path + " as " + subject,
            () -> callAndCheck(activity.method(), path, subject)));
      }
    }
    System.out.println("[seed-table] " + seed.size() + " seed activities, " + tests.size() + " calls, skipped "
        + skipped.size() + (skipped.isEmpty() ? "" : ": " + skipped));
    assertThat(tests.size() + skipped.size() * SUBJECTS.size()).isEqualTo(seed.size() * SUBJECTS.size());
    assertThat(tests).as("at least the seed's common shapes must be instantiable").isNotEmpty();
    return tests.stream();
  }

  private void callAndCheck(String method, String path, String subject) {
    String token = tokens.get(subject);
    SortedSet<String> held = RealmTokens.permissions(token);
    boolean expectedAllowed = grantingPermissions(method, path).stream().anyMatch(held::contains);
    boolean local = path.startsWith("/gatehouse/");
    String body = method.equals("POST") || method.equals("PUT") || method.equals("PATCH")
        ? (local ? "" : "{}") : null;
    gw.upstream.clear();

    HttpResponse<String> response = gw.send(method, path, token, body);

    if (expectedAllowed) {
      assertThat(response.statusCode()).as(method + " " + path + " as " + subject + " " + held + ": " + response.body())
          .isNotIn(401, 403, 500, 502, 503, 504);
      if (local) {
        assertThat(gw.upstream.received()).as("admin endpoints are served by the gateway itself").isEmpty();
        return;
      }
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(gw.upstream.received()).hasSize(1);
      RecordingUpstream.Received received = gw.upstream.received().get(0);
      assertThat(received.method()).isEqualTo(method);
      assertThat(received.uri()).isEqualTo(path);
      assertThat(received.header("X-Auth-Subject")).isEqualTo(RealmTokens.subject(token));
      assertThat(received.all("X-Auth-Permissions")).containsExactly(String.join(",", held));
      assertThat(received.header("Authorization")).as("the gateway's token is not forwarded").isNull();
    } else {
      assertThat(response.statusCode()).as(method + " " + path + " as " + subject + " " + held + ": " + response.body())
          .isEqualTo(403);
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("application/json"));
      JsonNode json = json(response.body());
      assertThat(json.path("error").asText()).isEqualTo("forbidden");
      assertThat(json.path("method").asText()).isEqualTo(method);
      assertThat(json.path("path").asText()).isEqualTo(path);
      assertThat(json.path("message").asText()).contains(method).contains(path);
      assertThat(gw.upstream.received()).as("a denied request must not reach the upstream").isEmpty();
    }
  }

  /** Every permission linked to any seed activity of this method whose regex matches the whole path. */
  private Set<String> grantingPermissions(String method, String path) {
    Set<String> granting = new TreeSet<>();
    for (SeedActivity activity : seed) {
      if (activity.method().equals(method) && Pattern.matches(activity.urlRegex(), path)) {
        granting.addAll(activity.permissions());
      }
    }
    return granting;
  }

  /** The regex with each segment placeholder replaced by a sample id, or null when the result does not match it. */
  static String concretePath(String urlRegex) {
    String path = urlRegex;
    for (String placeholder : SEGMENT_PATTERNS) {
      path = path.replace(placeholder, SAMPLE_SEGMENT);
    }
    return Pattern.matches(urlRegex, path) && path.matches("[A-Za-z0-9/_.~-]+") ? path : null;
  }

  private static List<SeedActivity> readSeed() throws IOException {
    JsonNode file = new ObjectMapper().readTree(
        StackLayout.locate().realmConfigDir().resolve("activities.json").toFile());
    // Either form of the seed: a list of activities, or {"services": [...], "activities": [...]}.
    JsonNode array = file.isArray() ? file : file.path("activities");
    List<SeedActivity> activities = new ArrayList<>();
    for (JsonNode item : array) {
      Set<String> permissions = new TreeSet<>();
      item.path("permissions").forEach(p -> permissions.add(p.asText()));
      activities.add(new SeedActivity(item.path("method").asText(), item.path("url_regex").asText(), permissions));
    }
    return activities;
  }

  private static JsonNode json(String body) {
    try {
      return new ObjectMapper().readTree(body);
    } catch (IOException e) {
      throw new AssertionError("Not JSON: " + body, e);
    }
  }
}
