package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's commands end to end against {@link StubAdminApi}: output, requests sent, exit codes. */
class GatehouseCliTest {
  private static final String SPEC = """
      openapi: 3.0.3
      info: {title: demo, version: "1"}
      paths:
        /v1/skills:
          get: {summary: List skills, x-gatehouse-permissions: [view-skills], responses: {"200": {description: ok}}}
        /v1/skills/{id}:
          parameters: [{name: id, in: path, required: true, schema: {type: string}}]
          get: {summary: Read a skill, x-gatehouse-permissions: [view-skills], responses: {"200": {description: ok}}}
      """;

  @TempDir
  Path dir;
  private StubAdminApi api;
  private String out;
  private String err;

  @BeforeEach
  void start() throws IOException {
    api = new StubAdminApi();
    api.spec = SPEC;
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", api.url(), "--token", StubAdminApi.TOKEN));
    return runExactly(all.toArray(String[]::new));
  }

  private int runExactly(String... args) {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    int code = GatehouseCli.execute(args, new PrintWriter(stdout), new PrintWriter(stderr));
    out = stdout.toString();
    err = stderr.toString();
    return code;
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void importShowsThePlanAppliesItAndCheckReportsDrift() throws IOException {
    String spec = file("demo.yaml", SPEC).toString();

    int plan = run("import-openapi", "--service", "demo", spec);
    assertThat(plan).as(err).isZero();
    assertThat(out).contains("Plan for service demo").contains("+ GET    /v1/skills  [view-skills]")
        .contains("+ GET    /v1/skills/[^/]+  [view-skills]").contains("2 added, 0 changed, 0 removed, 0 unchanged.");
    JsonNode sent = api.bodies.get(0);
    assertThat(sent.path("dryRun").asBoolean()).isTrue();
    assertThat(sent.path("prune").asBoolean()).isFalse();
    assertThat(sent.path("activities").get(0).toString()).isEqualTo("{\"method\":\"GET\",\"serviceRegex\":"
        + "\"/v1/skills\",\"description\":\"List skills\",\"shadow\":false,\"permissions\":[\"view-skills\"]}");
    assertThat(api.live).as("a plan changes nothing").isEmpty();

    assertThat(run("import-openapi", "--service", "demo", "--check", spec)).isEqualTo(ExitCode.FAILED);
    assertThat(err).contains("Drift");

    assertThat(run("import-openapi", "--service", "demo", "--apply", spec)).isZero();
    assertThat(out).contains("Applied to service demo");
    assertThat(api.live).hasSize(2);

    assertThat(run("import-openapi", "--service", "demo", "--check", spec)).isZero();
    assertThat(out).contains("0 added, 0 changed, 0 removed, 2 unchanged.");
    assertThat(err).contains("No drift");

    String edited = file("edited.yaml", SPEC.replace("Read a skill, x-gatehouse-permissions: [view-skills]",
        "Read a skill, x-gatehouse-permissions: [view-skills, manage-skills]")
        .replace("  /v1/skills:\n    get: {summary: List skills, x-gatehouse-permissions: [view-skills],"
            + " responses: {\"200\": {description: ok}}}\n", "")).toString();
    assertThat(run("import-openapi", "--service", "demo", "--check", edited)).isEqualTo(ExitCode.FAILED);
    assertThat(out).contains("~ GET    /v1/skills/[^/]+  [view-skills]")
        .contains("-> GET    /v1/skills/[^/]+  [manage-skills, view-skills]")
        .contains("- GET    /v1/skills  [view-skills]  (kept: not in the spec; --apply --prune removes it)")
        .contains("0 added, 1 changed, 1 removed, 0 unchanged.");
  }

  @Test
  void importReadsTheSpecFromAUrlItself() {
    int code = run("import-openapi", "--service", "demo", "--json", api.url() + "/spec.yaml");

    assertThat(code).as(err).isZero();
    assertThat(api.requests).startsWith("GET /spec.yaml");
    assertThat(out).contains("\"added\"");
  }

  @Test
  void unknownPermissionsAreRefusedWithTheGatewaysMessage() throws IOException {
    String spec = file("bad.yaml", SPEC.replace("[view-skills]", "[no-such-permission]")).toString();

    int code = run("import-openapi", "--service", "demo", "--apply", spec);

    assertThat(code).isEqualTo(ExitCode.REFUSED);
    assertThat(err).contains("There is no permission named 'no-such-permission'")
        .contains("Create these permissions in Keycloak first");
    assertThat(api.live).isEmpty();
  }

  @Test
  void anInvalidSpecIsRefusedBeforeTheGatewayIsAsked() throws IOException {
    String spec = file("broken.yaml", SPEC.replace("parameters: [{name: id, in: path, required: true, schema: {type:"
        + " string}}]\n", "")).toString();

    int code = run("import-openapi", "--service", "demo", spec);

    assertThat(code).isEqualTo(ExitCode.REFUSED);
    assertThat(err).contains("is not a valid OpenAPI 3.0/3.1 document").contains("Declared path parameter id");
    assertThat(api.requests).isEmpty();
  }

  @Test
  void policyTestsPrintEachFailureWithItsReasonAndExitOne() throws IOException {
    Path table = file("table.csv", """
        who,method,path,expected,name
        role:admin,GET,/api/v1/roles,allow,admins read roles
        role:fellow,DELETE,/api/v1/roles/7,allow,deliberately wrong
        user:nobody,GET,/api/v1/roles,deny,
        role:fellow,GET,/api/v1/users,deny,
        """);

    int code = run("test", table.toString());

    assertThat(code).isEqualTo(ExitCode.FAILED);
    assertThat(out).contains("FAIL \"deliberately wrong\" role fellow: DELETE /api/v1/roles/7")
        .contains("expected allow, got deny: No activity for DELETE matching /api/v1/roles/7")
        .contains("FAIL user nobody: GET /api/v1/roles").contains("got no decision: Keycloak does not know user")
        .doesNotContain("admins read roles")
        .contains("4 case(s), 2 passed, 2 failed.");
    assertThat(api.bodies.get(0).path("cases")).hasSize(4);
  }

  @Test
  void aPassingTableExitsZero() throws IOException {
    Path table = file("ok.yaml", "cases:\n  - {who: {role: admin}, method: GET, path: /x, expected: allow}\n");

    assertThat(run("test", table.toString())).isZero();
    assertThat(out).contains("1 case(s), 1 passed, 0 failed.");
  }

  @Test
  void explainPrintsTheDecisionAndItsReason() {
    assertThat(run("explain", "GET", "/api/x", "-p", "view-x")).isZero();
    assertThat(out).startsWith("ALLOW GET /api/x").contains("linked to view-x");

    assertThat(run("explain", "GET", "/api/x", "--role", "fellow")).isZero();
    assertThat(out).startsWith("DENY  GET /api/x");
  }

  @Test
  void exitCodesSayWhatWentWrong() throws IOException {
    int unauthorized = runExactly("test", "--url", api.url(), "--token", "stale",
        file("t.yaml", "cases:\n  - {who: {role: admin}, method: GET, path: /x, expected: allow}\n").toString());
    assertThat(unauthorized).isEqualTo(ExitCode.NOT_AUTHORIZED);
    assertThat(err).contains("The token is not valid.").contains("GATEHOUSE_TOKEN");

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    int unreachable = runExactly("explain", "GET", "/x", "-p", "a", "--url", "http://127.0.0.1:" + closedPort,
        "--token", "t");
    assertThat(unreachable).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(err).contains("could not be reached");

    // Explicit empty values: the test must not depend on the environment of the machine running it.
    int noUrl = runExactly("explain", "GET", "/x", "-p", "a", "--url", "", "--token", "t");
    assertThat(noUrl).isEqualTo(ExitCode.USAGE);
    assertThat(err).contains("GATEHOUSE_URL");

    assertThat(runExactly("activities", "frobnicate")).isEqualTo(ExitCode.USAGE);
  }
}
