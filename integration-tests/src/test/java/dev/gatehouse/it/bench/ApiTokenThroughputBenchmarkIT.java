package dev.gatehouse.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.it.support.GatewayProcess;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.gateway.LocalGateway;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gateway throughput for one user (carol) calling with her access token (JWT) versus her API token, resolution
 * cache warm, on loopback, in one run: the gateway (separate JVM from its fat jar) in front of nginx returning a
 * constant. Measures, asserts nothing about speed. Needs {@code wrk} and {@code nginx}. Run with:
 * {@code mvn -B verify -pl integration-tests -am -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.excludedGroups=none -Dit.test=ApiTokenThroughputBenchmarkIT}
 */
@Tag("benchmark")
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class ApiTokenThroughputBenchmarkIT {
  private static final String PATH = "/api/v1/users";
  private static final String REALM = "gatehouse";

  @Test
  void jwtVersusApiToken(KeycloakServer keycloak, PostgresServer postgres) throws Exception {
    StackLayout layout = StackLayout.locate();
    Path work = Files.createDirectories(Path.of("target/bench-api-token"));
    int upstreamPort = FreePorts.next();
    int gatewayPort = FreePorts.next();
    Process upstream = LoadTools.nginx(work.resolve("upstream"), """
        server { listen 127.0.0.1:%d; access_log off; location / { return 200 "ok\\n"; } }
        """.formatted(upstreamPort));
    JsonObject config = LocalGateway.localConfig(keycloak.issuer(REALM), postgres,
        "http://127.0.0.1:" + upstreamPort, gatewayPort, layout.realmConfigDir().resolve("activities.json"));
    GatewayProcess gateway = GatewayProcess.start(config, work.toAbsolutePath());
    try {
      String base = gateway.baseUrl();
      gateway.awaitReady(Duration.ofSeconds(90));
      LoadTools.awaitStatus("http://127.0.0.1:" + upstreamPort + "/", 200);
      String jwt = LoadTools.userToken(keycloak, "carol");
      String apiToken = LoadTools.createApiToken(keycloak, jwt);
      assertThat(LoadTools.status(base + PATH, jwt)).as("carol's JWT is allowed").isEqualTo(200);
      assertThat(LoadTools.status(base + PATH, apiToken)).as("carol's API token is allowed").isEqualTo(200);

      List<String> rows = new ArrayList<>();
      rows.add(LoadTools.warmedUpRow("Gatehouse gateway, JWT (carol)", base + PATH, jwt, gateway.handle()));
      long callsBefore = keycloakCalls(base);
      rows.add(LoadTools.warmedUpRow("Gatehouse gateway, API token (carol), cache warm", base + PATH, apiToken, gateway.handle()));
      long resolutions = keycloakCalls(base) - callsBefore;
      // JWT again: with the API-token run in between, drift of a shared machine shows as a gap between the JWT rows.
      rows.add(LoadTools.warmedUpRow("Gatehouse gateway, JWT (carol), again", base + PATH, LoadTools.userToken(keycloak, "carol"),
          gateway.handle()));
      String report = "| target | requests/s | latency p50 | latency p99 | CPU per request of the gateway |\n"
          + "|---|---|---|---|---|\n" + String.join("\n", rows) + "\n\nKeycloak resolutions during the API-token run"
          + " (warm-up included): " + resolutions + " (renewed in the background, about one per 45 s).\n";
      System.out.println(report);
      Files.createDirectories(Path.of("target/benchmarks"));
      Files.writeString(Path.of("target/benchmarks/api-token-throughput.md"), report);
    } finally {
      gateway.close();
      upstream.destroy();
    }
  }

  /** The gateway's own count of calls to Keycloak's token endpoint for API tokens. */
  private static long keycloakCalls(String base) throws Exception {
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher matcher = Pattern.compile("(?m)^gatehouse_api_token_keycloak_calls_total(?:\\{[^}]*})? ([0-9.eE+]+)$")
        .matcher(metrics);
    return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : -1;
  }
}
