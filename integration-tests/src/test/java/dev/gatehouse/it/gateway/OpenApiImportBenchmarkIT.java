package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.cli.ExitCode;
import dev.gatehouse.cli.GatehouseCli;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse import-openapi} of a generated 500-operation OpenAPI 3.1 document (100 resources, five operations
 * each) into a new service of a real gateway: wall time of the plan, the apply (500 activities, one transaction), the
 * apply again (no change) and {@code --check}, each as one in-process command (read, parse, convert, gateway's answer),
 * with the gateway's own share as the CLI reports it. Measures; asserts only the outcome. Run with:
 * {@code mvn -B verify -pl integration-tests -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.excludedGroups=none -Dit.test=OpenApiImportBenchmarkIT}
 */
@Tag("benchmark")
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class OpenApiImportBenchmarkIT {
  private static final int RESOURCES = 100;
  private static final int OPERATIONS = RESOURCES * 5;
  private static final String[][] PERMISSIONS = {{"view-skills", "manage-skills"}, {"view-users", "manage-users"},
      {"view-allocations", "manage-allocations"}, {"view-roles", "manage-roles"}};
  private static final Pattern GATEWAY_MILLIS = Pattern.compile("The gateway answered in (\\d+) ms");

  @Test
  void importFiveHundredOperations(KeycloakServer keycloak, PostgresServer postgres, @TempDir Path dir)
      throws Exception {
    RealmTokens realm = new RealmTokens(keycloak);
    String dave = realm.accessToken("dave");
    String name = "bulk-" + UUID.randomUUID().toString().substring(0, 8);
    Path spec = Files.writeString(dir.resolve("bulk.yaml"), document(name));

    try (GatewayUnderTest gw = GatewayUnderTest.start(realm.issuer(), postgres)) {
      String[] connection = {"--url", gw.url(""), "--token", dave};
      Run created = run(connection, "services", "create", name, "--prefix", "/" + name, "--upstream",
          gw.upstream.baseUrl());
      assertThat(created.code).as(created.err).isEqualTo(ExitCode.OK);

      Run plan = run(connection, "import-openapi", "--service", name, spec.toString());
      assertThat(plan.out).as(plan.err).contains(OPERATIONS + " added, 0 changed, 0 removed, 0 unchanged.");
      Run apply = run(connection, "import-openapi", "--service", name, "--apply", spec.toString());
      assertThat(apply.out).as(apply.err).contains(OPERATIONS + " added, 0 changed, 0 removed, 0 unchanged.");
      Run again = run(connection, "import-openapi", "--service", name, "--apply", spec.toString());
      assertThat(again.out).as(again.err).contains("0 added, 0 changed, 0 removed, " + OPERATIONS + " unchanged.");
      Run check = run(connection, "import-openapi", "--service", name, "--check", spec.toString());
      assertThat(check.code).as(check.err).isEqualTo(ExitCode.OK);

      String report = String.format("OpenAPI import of %d operations (%d bytes of YAML), one in-process CLI run each"
              + " (total wall time; the gateway's share as the CLI reports it):%n"
              + "  plan (dry run)      %5d ms (gateway %s ms)%n"
              + "  apply (500 added)   %5d ms (gateway %s ms)%n"
              + "  apply again (none)  %5d ms (gateway %s ms)%n"
              + "  --check             %5d ms (gateway %s ms)%n",
          OPERATIONS, Files.size(spec), plan.millis, plan.gatewayMillis(), apply.millis, apply.gatewayMillis(),
          again.millis, again.gatewayMillis(), check.millis, check.gatewayMillis());
      System.out.print(report);
      Files.createDirectories(Path.of("target/benchmarks"));
      Files.writeString(Path.of("target/benchmarks/openapi-import.md"), report);

      gw.send("POST", "/gatehouse/admin/services/" + name + "/activities/sync", dave,
          "{\"activities\":[],\"prune\":true}");
      gw.send("DELETE", "/gatehouse/admin/services/" + name, dave, null);
    }
  }

  /** 100 resources, each: list, create, read, replace, delete; view/manage permissions of the realm. */
  static String document(String title) {
    StringBuilder yaml = new StringBuilder("openapi: 3.1.0\ninfo:\n  title: " + title + "\n  version: 1.0.0\n"
        + "paths:\n");
    for (int i = 0; i < RESOURCES; i++) {
      String view = PERMISSIONS[i % PERMISSIONS.length][0];
      String manage = PERMISSIONS[i % PERMISSIONS.length][1];
      String resource = "resource" + i;
      yaml.append("  /").append(resource).append(":\n")
          .append(operation("get", "list" + i, view)).append(operation("post", "create" + i, manage))
          .append("  /").append(resource).append("/{id}:\n")
          .append("    parameters:\n      - {name: id, in: path, required: true, schema: {type: string}}\n")
          .append(operation("get", "read" + i, view)).append(operation("put", "replace" + i, manage))
          .append(operation("delete", "delete" + i, manage));
    }
    return yaml.toString();
  }

  private static String operation(String method, String id, String permission) {
    return "    " + method + ":\n      operationId: " + id + "\n      summary: " + id + "\n"
        + "      x-gatehouse-permissions: [" + permission + "]\n"
        + "      responses:\n        '200': {description: ok}\n";
  }

  private record Run(int code, String out, String err, long millis) {
    String gatewayMillis() {
      Matcher m = GATEWAY_MILLIS.matcher(err);
      return m.find() ? m.group(1) : "?";
    }
  }

  private static Run run(String[] connection, String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(List.of(connection));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    long start = System.nanoTime();
    int code = GatehouseCli.execute(line.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString(), (System.nanoTime() - start) / 1_000_000);
  }
}
