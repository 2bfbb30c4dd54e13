package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.cli.ExitCode;
import dev.gatehouse.cli.GatehouseCli;
import dev.gatehouse.cli.policy.PolicyTable;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped example policy table (examples/policy-tests/reference.yaml) against a real gateway seeded from
 * realm-config/activities.json and the real Keycloak realm: through {@code POST /gatehouse/admin/policy-tests} and
 * through the command line ({@code gatehouse test}, in-process). Roles, users and the service account are resolved by
 * the extension pack's sub-resources of {@code gatehouse-permissions}.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyTestsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POLICY_TESTS = "/gatehouse/admin/policy-tests";

  private GatewayUnderTest gw;
  private RealmTokens realm;
  private String dave;
  private Path table;

  @BeforeAll
  void start(KeycloakServer keycloak, PostgresServer postgres) {
    realm = new RealmTokens(keycloak);
    dave = realm.accessToken("dave");
    table = StackLayout.locate().root().resolve("examples/policy-tests/reference.yaml");
    gw = GatewayUnderTest.start(realm.issuer(), postgres);
  }

  @AfterAll
  void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void theReferenceTablePassesThroughTheAdminApi() throws IOException {
    List<ObjectNode> cases = PolicyTable.read(table);
    ObjectNode body = JSON.createObjectNode();
    body.putArray("cases").addAll(cases);

    HttpResponse<String> response = gw.send("POST", POLICY_TESTS, dave, body.toString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode report = JSON.readTree(response.body());
    assertThat(report.path("total").asInt()).isEqualTo(cases.size()).isGreaterThanOrEqualTo(30);
    for (JsonNode result : report.path("cases")) {
      assertThat(result.path("passed").asBoolean()).as(result.toString()).isTrue();
    }
    assertThat(report.path("passed").asBoolean()).isTrue();
    assertThat(cases).as("the table has allow AND deny cases")
        .anySatisfy(c -> assertThat(c.path("expected").asText()).isEqualTo("allow"))
        .anySatisfy(c -> assertThat(c.path("expected").asText()).isEqualTo("deny"));
  }

  @Test
  void keycloakResolvesUsersAsTheirTokensCarryThem() throws IOException {
    String probe = "{\"cases\":[{\"who\":{\"user\":\"carol\"},\"method\":\"GET\",\"path\":\"/api/v1/users\","
        + "\"expected\":\"allow\"}]}";

    JsonNode result = JSON.readTree(gw.send("POST", POLICY_TESTS, dave, probe).body()).path("cases").path(0);

    String carolsToken = realm.accessToken("carol");
    assertThat(result.path("reason").asText()).as("the permissions Keycloak resolved are those of carol's token")
        .startsWith("User 'carol' has the permissions " + String.join(", ", RealmTokens.permissions(carolsToken))
            + ".");
  }

  @Test
  void theReferenceTablePassesThroughTheCommandLine() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = GatehouseCli.execute(new String[] {"test", table.toString(), "--url", gw.url(""), "--token", dave},
        new PrintWriter(out), new PrintWriter(err));

    assertThat(code).as(out + "\n" + err).isEqualTo(ExitCode.OK);
    assertThat(out.toString()).doesNotContain("FAIL").containsPattern("\\d+ case\\(s\\), (\\d+) passed, 0 failed\\.");
  }

  @Test
  void aDeliberatelyWrongRowAndAnUnknownUserFailWithTheirReasons(@TempDir Path dir) throws IOException {
    Path wrong = Files.writeString(dir.resolve("wrong.csv"), """
        who,method,path,expected,name
        role:fellow,GET,/api/v1/skills,allow,fellows read skills
        user:erin,DELETE,/api/v1/roles/x,allow,deliberately wrong: erin deletes roles
        user:nobody-here,GET,/api/v1/skills,deny,unknown user
        """);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = GatehouseCli.execute(new String[] {"test", wrong.toString(), "--url", gw.url(""), "--token", dave},
        new PrintWriter(out), new PrintWriter(err));

    assertThat(code).as(err.toString()).isEqualTo(ExitCode.FAILED);
    assertThat(out.toString())
        .contains("FAIL \"deliberately wrong: erin deletes roles\" user erin: DELETE /api/v1/roles/x")
        .contains("expected allow, got deny: User 'erin' has the permissions")
        .contains("No activity for DELETE matching /api/v1/roles/x is linked to any of the")
        .contains("FAIL \"unknown user\" user nobody-here: GET /api/v1/skills")
        .contains("got no decision: Keycloak does not know user 'nobody-here': Realm 'gatehouse' has no user with"
            + " username 'nobody-here'")
        .doesNotContain("fellows read skills")
        .contains("3 case(s), 1 passed, 2 failed.");
  }
}
