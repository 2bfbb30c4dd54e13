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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two or more builds of the gateway's fat jar, side by side on one upstream, measured in alternation (A, B, A, B, ...)
 * so that drift of a shared machine hits every build alike. Each build runs in its own JVM, all started up front and
 * warmed up once; every measured row is preceded by a short re-warm. Measures, asserts nothing about speed. Run with:
 * {@code mvn -B verify -pl integration-tests -am -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.excludedGroups=none -Dit.test=GatewayBuildComparisonBenchmarkIT -Dbench.jars=/tmp/before.jar,/tmp/after.jar}
 * (without {@code bench.jars}: the current build against itself).
 */
@Tag("benchmark")
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class GatewayBuildComparisonBenchmarkIT {
  private static final String PATH = "/api/v1/users";
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
  private static final String REWARM = System.getProperty("bench.rewarm", "5s");

  @Test
  void buildsInAlternation(KeycloakServer keycloak, PostgresServer postgres) throws Exception {
    StackLayout layout = StackLayout.locate();
    Path current = layout.root().resolve("vertx-gateway/target/gatehouse-gateway-all.jar");
    List<Path> jars = new ArrayList<>();
    for (String jar : System.getProperty("bench.jars", current + "," + current).split(",")) {
      jars.add(Path.of(jar.trim()));
    }
    Path work = Files.createDirectories(Path.of("target/bench-builds"));
    int upstreamPort = FreePorts.next();
    Process upstream = LoadTools.nginx(work.resolve("upstream"), """
        server { listen 127.0.0.1:%d; access_log off; location / { return 200 "ok\\n"; } }
        """.formatted(upstreamPort));
    List<GatewayProcess> gateways = new ArrayList<>();
    try {
      for (int i = 0; i < jars.size(); i++) {
        gateways.add(GatewayProcess.start(LocalGateway.localConfig(keycloak.issuer("gatehouse"), postgres,
            "http://127.0.0.1:" + upstreamPort, FreePorts.next(), layout.realmConfigDir().resolve("activities.json")),
            work.resolve("gateway-" + i).toAbsolutePath(), jars.get(i)));
      }
      String token = LoadTools.serviceAccountToken(keycloak);
      LoadTools.awaitStatus("http://127.0.0.1:" + upstreamPort + "/", 200);
      for (GatewayProcess gateway : gateways) {
        gateway.awaitReady(Duration.ofSeconds(90));
        assertThat(LoadTools.status(gateway.baseUrl() + PATH, token)).as("the gateway allows the bench call")
            .isEqualTo(200);
        LoadTools.warmUp(gateway.baseUrl() + PATH, token, LoadTools.WARMUP);
      }
      List<String> rows = new ArrayList<>();
      for (int round = 1; round <= ROUNDS; round++) {
        for (int i = 0; i < gateways.size(); i++) {
          GatewayProcess gateway = gateways.get(i);
          // A fresh token per row: a long session outlives the realm's token lifespan.
          token = LoadTools.serviceAccountToken(keycloak);
          LoadTools.warmUp(gateway.baseUrl() + PATH, token, REWARM);
          String label = round + " | " + (char) ('A' + i) + " " + jars.get(i).getFileName();
          rows.add(LoadTools.measure(label, gateway.baseUrl() + PATH, token, gateway.handle()).row(label));
        }
      }
      String report = "| round | build | requests/s | latency p50 | latency p99 | gateway CPU per request |\n"
          + "|---|---|---|---|---|---|\n" + String.join("\n", rows) + "\n\nwrk -t2 -c" + LoadTools.CONNECTIONS + " -d"
          + LoadTools.DURATION + " per row after a " + LoadTools.WARMUP + " warm-up per build and a " + REWARM
          + " re-warm per row.\n";
      System.out.println(report);
      Files.createDirectories(Path.of("target/benchmarks"));
      Files.writeString(Path.of("target/benchmarks/gateway-builds.md"), report);
    } finally {
      for (GatewayProcess gateway : gateways) {
        gateway.close();
      }
      upstream.destroy();
    }
  }
}
