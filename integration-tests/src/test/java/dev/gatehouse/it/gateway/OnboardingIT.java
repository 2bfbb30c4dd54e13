package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.cli.ExitCode;
import dev.gatehouse.cli.GatehouseCli;
import dev.gatehouse.demo.DemoService;
import dev.gatehouse.it.support.GatewayProcess;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.gateway.LocalGateway;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Onboarding a new service without a deploy, as an admin does it: the command line ({@code gatehouse}, run
 * in-process) against a gateway process from the fat jar, the real PostgreSQL and Keycloak, and the demo service
 * (under a fresh base path, so that it is a new service): {@code services create}, {@code import-openapi} of the
 * document the demo serves (plan, {@code --apply}, again, {@code --check}), a spec edit (drift, then applied), requests
 * through the new prefix allowed and denied by the imported permissions, and bad input refused with nothing changed.
 * And the seeded {@code demo} service (routed by the configured /api route): importing the demo's openapi.yaml into
 * it plans no change, and an edit of that document is a precise plan that applies.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnboardingIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LIVE = Duration.ofSeconds(10);
  /** The demo's /api/v1 operations (realm-config/activities.json has the same 30). */
  private static final int OPERATIONS = 30;

  private RealmTokens realm;
  private String dave;
  private GatewayProcess gateway;
  private Vertx vertx;
  private HttpServer demo;
  private String name;
  private String prefix;

  @BeforeAll
  void start(KeycloakServer keycloak, PostgresServer postgres) throws Exception {
    realm = new RealmTokens(keycloak);
    dave = realm.accessToken("dave");
    name = "people-" + UUID.randomUUID().toString().substring(0, 8);
    prefix = "/" + name;
    vertx = Vertx.vertx();
    // Under the fresh prefix (a new service) and under /api/v1, where the configured /api route sends the seeded
    // demo service's traffic.
    demo = DemoService.start(vertx, "127.0.0.1", 0, prefix, DemoService.DEFAULT_BASE_PATH).toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    Path seed = StackLayout.locate().realmConfigDir().resolve("activities.json");
    gateway = GatewayProcess.start(LocalGateway.localConfig(realm.issuer(), postgres, demoUrl(), FreePorts.next(),
        seed), Path.of("target/onboarding-it").toAbsolutePath());
    gateway.awaitReady(Duration.ofSeconds(90));
  }

  @AfterAll
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private String demoUrl() {
    return "http://127.0.0.1:" + demo.actualPort();
  }

  private String specUrl() {
    return demoUrl() + prefix + DemoService.OPENAPI_PATH;
  }

  @Test
  void createImportCheckEditAndServe(@TempDir Path dir) throws IOException {
    String erin = realm.accessToken("erin");   // fellow: view-skills, view-roles, ... but not view-users
    String carol = realm.accessToken("carol"); // talent-manager: also view-users, view-user-contacts
    assertThat(get(prefix + "/skills", erin).statusCode()).as("not a service yet: no activity allows it")
        .isEqualTo(403);

    Cli created = cli("services", "create", name, "--prefix", prefix, "--upstream", demoUrl(), "--timeout-ms",
        "5000");
    assertThat(created.code).as(created.all()).isEqualTo(ExitCode.OK);
    assertThat(created.out).contains("Created " + name).contains(prefix).contains(demoUrl());

    // The plan: 30 to add, and nothing changed.
    Cli plan = cli("import-openapi", "--service", name, specUrl());
    assertThat(plan.code).as(plan.all()).isEqualTo(ExitCode.OK);
    assertThat(plan.out).contains("Plan for service " + name)
        .contains("+ GET    " + prefix + "/users/[^/]+/contacts  [view-user-contacts]")
        .contains(OPERATIONS + " added, 0 changed, 0 removed, 0 unchanged.");
    assertThat(activities()).as("a plan changes nothing").isEmpty();

    // Applied in one go; the gateway enforces exactly the imported permissions.
    Cli applied = cli("import-openapi", "--service", name, "--apply", specUrl());
    assertThat(applied.code).as(applied.all()).isEqualTo(ExitCode.OK);
    assertThat(applied.out).contains("Applied to service " + name)
        .contains(OPERATIONS + " added, 0 changed, 0 removed, 0 unchanged.");
    assertThat(activities()).hasSize(OPERATIONS)
        .allSatisfy(a -> assertThat(a.path("service").asText()).isEqualTo(name));
    Poll.until(LIVE, "the new service serves GET " + prefix + "/skills to erin",
        () -> get(prefix + "/skills", erin).statusCode() == 200);
    HttpResponse<String> skills = get(prefix + "/skills", erin);
    assertThat(skills.body()).as("the demo's answer, through the new prefix").contains("\"skills\"");
    assertThat(get(prefix + "/users", erin).statusCode()).as("erin lacks view-users").isEqualTo(403);
    assertThat(get(prefix + "/users/1", carol).body()).as("carol has view-users and view-user-contacts")
        .contains("ada@example.com");
    assertThat(send("POST", prefix + "/feedback", erin, "{}").statusCode()).as("submit-feedback").isEqualTo(201);
    assertThat(send("DELETE", prefix + "/roles/fellow", carol, null).statusCode()).as("manage-roles only")
        .isEqualTo(403);

    // Again: nothing to do, nothing written.
    Cli again = cli("--json", "import-openapi", "--service", name, "--apply", specUrl());
    assertThat(again.code).as(again.all()).isEqualTo(ExitCode.OK);
    JsonNode answer = JSON.readTree(again.out);
    assertThat(answer.path("applied").asBoolean()).isFalse();
    assertThat(answer.path("unchanged")).hasSize(OPERATIONS);
    assertThat(answer.path("added")).isEmpty();
    Cli check = cli("import-openapi", "--service", name, "--check", specUrl());
    assertThat(check.code).as(check.all()).isEqualTo(ExitCode.OK);
    assertThat(check.err).contains("No drift");

    // The spec changes: skills become talent managers' business, ideas go, a new operation comes.
    String edited = DemoService.openApiDocument(prefix)
        .replace("      summary: List skills\n      x-gatehouse-permissions: [view-skills]",
            "      summary: List skills\n      x-gatehouse-permissions: [view-users]")
        .replace("""
              /ideas/{ideaId}:
            """, """
              /ideas/{ideaId}/votes:
                post:
                  operationId: voteForAnIdea
                  summary: Vote for an idea
                  x-gatehouse-permissions: [submit-ideas]
                  parameters:
                    - name: ideaId
                      in: path
                      required: true
                      schema:
                        type: string
                  responses:
                    '204':
                      description: Counted.
              /ideas/{ideaId}:
            """);
    String withoutIdeasList = cutOperation(edited, "  /ideas:\n", "  /ideas/{ideaId}/votes:\n");
    Path spec = Files.writeString(dir.resolve("people.yaml"), withoutIdeasList);
    Cli drift = cli("import-openapi", "--service", name, "--check", spec.toString());
    assertThat(drift.code).as(drift.all()).isEqualTo(ExitCode.FAILED);
    assertThat(drift.err).contains("Drift: the live activities of service " + name + " differ");
    assertThat(drift.out)
        .contains("+ POST   " + prefix + "/ideas/[^/]+/votes  [submit-ideas]")
        .contains("~ GET    " + prefix + "/skills  [view-skills]")
        .contains("-> GET    " + prefix + "/skills  [view-users]")
        .contains("- GET    " + prefix + "/ideas  [view-ideas]")
        .contains("1 added, 1 changed, 2 removed, " + (OPERATIONS - 3) + " unchanged.");

    Cli fixed = cli("import-openapi", "--service", name, "--apply", "--prune", spec.toString());
    assertThat(fixed.code).as(fixed.all()).isEqualTo(ExitCode.OK);
    assertThat(cli("import-openapi", "--service", name, "--check", spec.toString()).code).isEqualTo(ExitCode.OK);
    assertThat(activities()).hasSize(OPERATIONS - 2 + 1);
    Poll.until(LIVE, "erin loses GET " + prefix + "/skills (it needs view-users now)",
        () -> get(prefix + "/skills", erin).statusCode() == 403);
    assertThat(get(prefix + "/skills", carol).statusCode()).isEqualTo(200);
    assertThat(get(prefix + "/ideas", erin).statusCode()).as("pruned").isEqualTo(403);

    // A new rule, shadow first (x-gatehouse-shadow): measured, logged and explained, not enforced; then promoted.
    Path withEcho = Files.writeString(dir.resolve("people-echo.yaml"), withoutIdeasList + """
          /echo:
            get:
              operationId: echo
              summary: Echo the request
              x-gatehouse-permissions: [view-skills]
              x-gatehouse-shadow: true
              responses:
                '200': {description: What the service received.}
        """);
    Cli shadowed = cli("import-openapi", "--service", name, "--apply", withEcho.toString());
    assertThat(shadowed.code).as(shadowed.all()).isEqualTo(ExitCode.OK);
    assertThat(shadowed.out).contains("+ GET    " + prefix + "/echo  [view-skills]  (shadow)")
        .contains("1 added, 0 changed, 0 removed, " + (OPERATIONS - 1) + " unchanged.");
    Poll.until(LIVE, "explain shows what the shadow would decide", () -> cli("explain", "GET", prefix + "/echo",
        "--access-token", erin).out.contains("Shadow: would ALLOW (differs)"));
    assertThat(get(prefix + "/echo", erin).statusCode()).as("a shadow is not enforced").isEqualTo(403);
    Poll.until(LIVE, "the gateway logs what the shadow would allow", () -> gateway.log().lines()
        .anyMatch(l -> l.contains("Shadow activity") && l.contains("would allow GET " + prefix + "/echo")));
    assertThat(get("/metrics", null).body()).containsPattern(
        "gatehouse_shadow_decisions_total\\{differs=\"true\",outcome=\"would_allow\"} [1-9]");

    Path promoted = Files.writeString(withEcho, Files.readString(withEcho).replace(
        "      x-gatehouse-shadow: true\n", ""));
    Cli promote = cli("import-openapi", "--service", name, "--apply", promoted.toString());
    assertThat(promote.code).as(promote.all()).isEqualTo(ExitCode.OK);
    assertThat(promote.out).contains("-> GET    " + prefix + "/echo  [view-skills]  (changed: shadow)");
    Poll.until(LIVE, "the promoted rule is enforced", () -> get(prefix + "/echo", erin).statusCode() == 200);
    assertThat(cli("import-openapi", "--service", name, "--check", promoted.toString()).code).isEqualTo(ExitCode.OK);

    // Who may do what, pinned as a policy table and checked against the live activities and Keycloak's roles.
    Path table = Files.writeString(dir.resolve("people-policy.csv"), String.join("\n",
        "who,method,path,expected,name",
        "role:fellow,GET," + prefix + "/echo,allow,fellows echo (promoted)",
        "role:fellow,GET," + prefix + "/users,deny,fellows do not list users",
        "user:carol,GET," + prefix + "/users/1/contacts,allow,talent managers see contacts",
        "user:erin,DELETE," + prefix + "/roles/fellow,deny,only admins manage roles") + "\n");
    Cli tested = cli("test", table.toString());
    assertThat(tested.code).as(tested.all()).isEqualTo(ExitCode.OK);
    assertThat(tested.out).contains("4 case(s), 4 passed, 0 failed.");

    // Clean up: a service with activities cannot be deleted; prune them with an empty list first.
    HttpResponse<String> emptied = send("POST", "/gatehouse/admin/services/" + name + "/activities/sync", dave,
        "{\"activities\":[],\"prune\":true}");
    assertThat(emptied.statusCode()).as(emptied.body()).isEqualTo(200);
    Cli deleted = cli("services", "delete", name);
    assertThat(deleted.code).as(deleted.all()).isEqualTo(ExitCode.OK);
  }

  @Test
  void anInvalidSpecAndAnUnknownPermissionAreRefusedAndChangeNothing(@TempDir Path dir) throws IOException {
    String other = name + "-x";
    String healthPath = prefix + DemoService.OPENAPI_PATH; // any path the demo answers 200 on
    Cli created = cli("services", "create", other, "--prefix", "/" + other, "--upstream", demoUrl(),
        "--health-path", healthPath, "--health-interval-ms", "1000", "--description", "the demo again");
    assertThat(created.code).as(created.all()).isEqualTo(ExitCode.OK);
    try {
      Cli seeded = cli("import-openapi", "--service", other, "--apply", specUrl());
      assertThat(seeded.code).as(seeded.all()).isEqualTo(ExitCode.OK);
      Cli shown = cli("services", "show", other);
      assertThat(shown.code).as(shown.all()).isEqualTo(ExitCode.OK);
      assertThat(shown.out).contains("timeout 30000 ms; health check GET " + healthPath + " every 1000 ms;"
          + " the demo again").contains(OPERATIONS + " activities:")
          .contains("GET    /" + other + "/users/[^/]+/contacts  [view-user-contacts]  service " + other);
      Cli updated = cli("services", "update", other, "--timeout-ms", "7000", "--no-health-check", "--description",
          "changed");
      assertThat(updated.code).as(updated.all()).isEqualTo(ExitCode.OK);
      assertThat(cli("services", "show", other).out).contains("timeout 7000 ms; no health check; changed")
          .contains(OPERATIONS + " activities:");
      Cli conflicting = cli("services", "update", other, "--prefix", "/api");
      assertThat(conflicting.code).as("/api is a configured route").isEqualTo(ExitCode.REFUSED);
      assertThat(conflicting.err).contains("The route prefix /api is a route in the gateway's configuration");
      assertThat(cli("services", "show", other).out).as("nothing changed").contains("/" + other + " ");
      Cli listed = cli("--json", "services", "list");
      assertThat(listed.code).as(listed.all()).isEqualTo(ExitCode.OK);
      assertThat(JSON.readTree(listed.out).findValuesAsText("name")).contains(other);
      String before = activitiesOf(other).toString();

      Path invalid = Files.writeString(dir.resolve("invalid.yaml"), """
          openapi: 3.1.0
          info: {title: broken, version: "1"}
          paths:
            /items/{id}:
              get:
                x-gatehouse-permissions: [view-skills]
                responses: 42
          """);
      Cli refused = cli("import-openapi", "--service", other, "--apply", invalid.toString());
      assertThat(refused.code).as(refused.all()).isEqualTo(ExitCode.REFUSED);
      assertThat(refused.err).contains("is not a valid OpenAPI 3.0/3.1 document");

      Path unknown = Files.writeString(dir.resolve("unknown.yaml"), DemoService.openApiDocument("/" + other)
          .replace("x-gatehouse-permissions: [view-ideas]", "x-gatehouse-permissions: [view-idaes]"));
      Cli typo = cli("import-openapi", "--service", other, "--apply", unknown.toString());
      assertThat(typo.code).as(typo.all()).isEqualTo(ExitCode.REFUSED);
      assertThat(typo.err).contains("view-idaes").contains("Create these permissions in Keycloak first");
      assertThat(typo.err).doesNotContain("Exception");

      assertThat(activitiesOf(other).toString()).as("nothing changed").isEqualTo(before);
      Cli check = cli("import-openapi", "--service", other, "--check", specUrl());
      assertThat(check.code).as(check.all()).isEqualTo(ExitCode.OK);
    } finally {
      send("POST", "/gatehouse/admin/services/" + other + "/activities/sync", dave,
          "{\"activities\":[],\"prune\":true}");
      cli("services", "delete", other);
    }
  }

  @Test
  void theSeededDemoServiceMatchesTheDemosOpenApiDocumentAndFollowsAnEdit(@TempDir Path dir) throws IOException {
    Path spec = StackLayout.locate().root().resolve("demo-service/src/main/resources/openapi.yaml");
    String erin = realm.accessToken("erin");   // fellow: view-skills, not view-users
    String carol = realm.accessToken("carol"); // talent-manager: view-skills and view-users

    Cli shown = cli("services", "show", "demo");
    assertThat(shown.code).as(shown.all()).isEqualTo(ExitCode.OK);
    assertThat(shown.out).contains("demo").contains("/api/v1").contains("routed by configuration")
        .contains(OPERATIONS + " activities:");
    Cli plan = cli("import-openapi", "--service", "demo", spec.toString());
    assertThat(plan.code).as(plan.all()).isEqualTo(ExitCode.OK);
    assertThat(plan.out).contains("Plan for service demo")
        .contains("0 added, 0 changed, 0 removed, " + OPERATIONS + " unchanged.");
    Cli check = cli("import-openapi", "--service", "demo", "--check", spec.toString());
    assertThat(check.code).as(check.all()).isEqualTo(ExitCode.OK);
    assertThat(check.err).contains("No drift");
    assertThat(get("/api/v1/skills", erin).statusCode()).as("seeded: view-skills").isEqualTo(200);
    assertThat(get("/api/v1/users", erin).statusCode()).as("seeded: view-users only").isEqualTo(403);
    assertThat(get("/api/v1/users/1", carol).body()).contains("ada@example.com");

    Path edited = Files.writeString(dir.resolve("demo.yaml"), Files.readString(spec)
        .replace("      summary: List skills\n      x-gatehouse-permissions: [view-skills]",
            "      summary: List skills\n      x-gatehouse-permissions: [view-users]"));
    try {
      Cli drift = cli("import-openapi", "--service", "demo", "--check", edited.toString());
      assertThat(drift.code).as(drift.all()).isEqualTo(ExitCode.FAILED);
      assertThat(drift.out).contains("~ GET    /api/v1/skills  [view-skills]")
          .contains("-> GET    /api/v1/skills  [view-users]")
          .contains("0 added, 1 changed, 0 removed, " + (OPERATIONS - 1) + " unchanged.");
      Cli applied = cli("import-openapi", "--service", "demo", "--apply", edited.toString());
      assertThat(applied.code).as(applied.all()).isEqualTo(ExitCode.OK);
      assertThat(applied.out).contains("Applied to service demo")
          .contains("0 added, 1 changed, 0 removed, " + (OPERATIONS - 1) + " unchanged.");
      Poll.until(LIVE, "erin loses GET /api/v1/skills (it needs view-users now)",
          () -> get("/api/v1/skills", erin).statusCode() == 403);
      assertThat(get("/api/v1/skills", carol).statusCode()).isEqualTo(200);
      assertThat(get("/api/v1/users/1", carol).statusCode()).as("the other operations as before").isEqualTo(200);
      assertThat(get("/api/v1/users", erin).statusCode()).isEqualTo(403);
    } finally {
      // Other tests of this JVM share the database: put the seeded policy back.
      Cli restored = cli("import-openapi", "--service", "demo", "--apply", spec.toString());
      assertThat(restored.code).as(restored.all()).isEqualTo(ExitCode.OK);
    }
    Poll.until(LIVE, "erin has GET /api/v1/skills again", () -> get("/api/v1/skills", erin).statusCode() == 200);
    assertThat(cli("import-openapi", "--service", "demo", "--check", spec.toString()).code).isEqualTo(ExitCode.OK);
  }

  /** Removes the path item starting at {@code from} up to (not including) {@code to}. */
  private static String cutOperation(String text, String from, String to) {
    int start = text.indexOf(from);
    int end = text.indexOf(to, start);
    assertThat(start).as("the document has " + from).isNotNegative();
    assertThat(end).as("the document has " + to + " after " + from).isGreaterThan(start);
    return text.substring(0, start) + text.substring(end);
  }

  private List<JsonNode> activities() throws IOException {
    return activitiesOf(name);
  }

  private List<JsonNode> activitiesOf(String service) throws IOException {
    HttpResponse<String> response = send("GET", "/gatehouse/admin/services/" + service + "/activities", dave, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<JsonNode> list = new ArrayList<>();
    JSON.readTree(response.body()).forEach(list::add);
    return list;
  }

  private HttpResponse<String> get(String path, String token) {
    return send("GET", path, token, null);
  }

  private HttpResponse<String> send(String method, String path, String token, String body) {
    return GatewayUnderTest.send(gateway.baseUrl(), method, path, token, body);
  }

  private record Cli(int code, String out, String err) {
    String all() {
      return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  /** The command line, in-process, against the gateway as dave (admin). */
  private Cli cli(String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(List.of("--url", gateway.baseUrl(), "--token", dave));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = GatehouseCli.execute(line.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    return new Cli(code, out.toString(), err.toString());
  }
}
