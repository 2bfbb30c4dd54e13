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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Side-by-side throughput on loopback, in one run, with one trivial upstream (nginx returning a constant): the
 * upstream directly, nginx as a plain reverse proxy (no auth), and the gateway (separate JVM from its fat jar) with
 * full token verification and activity authorization. Also CPU time per request of each proxy process, read from
 * /proc. Needs {@code wrk} and {@code nginx} (apt). Measures, asserts nothing about speed. Run with:
 * {@code mvn -B verify -pl integration-tests -am -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.excludedGroups=none -Dit.test=ProxyThroughputBenchmarkIT}
 */
@Tag("benchmark")
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class ProxyThroughputBenchmarkIT {
  private static final String PATH = "/api/v1/users";

  @Test
  void upstreamVersusNginxVersusGateway(KeycloakServer keycloak, PostgresServer postgres) throws Exception {
    StackLayout layout = StackLayout.locate();
    Path work = Files.createDirectories(Path.of("target/bench-proxy"));
    int upstreamPort = FreePorts.next();
    int nginxPort = FreePorts.next();
    int gatewayPort = FreePorts.next();

    Process upstream = LoadTools.nginx(work.resolve("upstream"), """
        server { listen 127.0.0.1:%d; access_log off; location / { return 200 "ok\\n"; } }
        """.formatted(upstreamPort));
    Process proxy = LoadTools.nginx(work.resolve("proxy"), LoadTools.proxyServer(nginxPort, upstreamPort));

    JsonObject config = LocalGateway.localConfig(keycloak.issuer("gatehouse"), postgres,
        "http://127.0.0.1:" + upstreamPort, gatewayPort, layout.realmConfigDir().resolve("activities.json"));
    GatewayProcess gateway = GatewayProcess.start(config, work.toAbsolutePath());
    try {
      String token = LoadTools.serviceAccountToken(keycloak);
      gateway.awaitReady(Duration.ofSeconds(90));
      LoadTools.awaitStatus("http://127.0.0.1:" + upstreamPort + "/", 200);
      assertThat(LoadTools.status("http://127.0.0.1:" + gatewayPort + PATH, token))
          .as("the gateway allows the bench call").isEqualTo(200);

      List<String> rows = new ArrayList<>();
      rows.add(LoadTools.warmedUpRow("upstream directly", "http://127.0.0.1:" + upstreamPort + PATH, null, upstream.toHandle()));
      rows.add(LoadTools.warmedUpRow("nginx reverse proxy, no auth", "http://127.0.0.1:" + nginxPort + PATH, null,
          proxy.toHandle()));
      rows.add(LoadTools.warmedUpRow("Gatehouse gateway, JWT verify + authorize", "http://127.0.0.1:" + gatewayPort + PATH, token,
          gateway.handle()));
      String report = "| target | requests/s | latency p50 | latency p99 | CPU per request of the process under test |\n"
          + "|---|---|---|---|---|\n" + String.join("\n", rows) + "\n\nwrk -t2 -c" + LoadTools.CONNECTIONS + " -d"
          + LoadTools.DURATION + " after a " + LoadTools.WARMUP + " warm-up per target, one run, 2-core machine shared"
          + " by wrk, the proxy and the upstream.\n";
      System.out.println(report);
      Files.createDirectories(Path.of("target/benchmarks"));
      Files.writeString(Path.of("target/benchmarks/proxy-throughput.md"), report);
    } finally {
      gateway.close();
      upstream.destroy();
      proxy.destroy();
    }
  }
}
