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
 * Two gateway processes versus one, each time behind nginx as the load balancer, on loopback with a trivial upstream
 * (nginx returning a constant). Everything, wrk included, shares one machine, so this shows what scale-out costs or
 * gains when cores are the limit, not what two machines would give. Measures, asserts nothing about speed. Run with:
 * {@code mvn -B verify -pl integration-tests -am -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.excludedGroups=none -Dit.test=GatewayScaleOutBenchmarkIT}
 */
@Tag("benchmark")
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class GatewayScaleOutBenchmarkIT {
  private static final String PATH = "/api/v1/users";
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);

  @Test
  void oneGatewayVersusTwoBehindNginx(KeycloakServer keycloak, PostgresServer postgres) throws Exception {
    Path work = Files.createDirectories(Path.of("target/bench-scale-out")).toAbsolutePath();
    int upstreamPort = FreePorts.next();
    int oneBehindLbPort = FreePorts.next();
    int twoBehindLbPort = FreePorts.next();

    Process upstream = LoadTools.nginx(work.resolve("upstream"), """
        server { listen 127.0.0.1:%d; access_log off; location / { return 200 "ok\\n"; } }
        """.formatted(upstreamPort));
    GatewayProcess first = startGateway(keycloak, postgres, upstreamPort, work.resolve("gateway-1"));
    GatewayProcess second = startGateway(keycloak, postgres, upstreamPort, work.resolve("gateway-2"));
    Process lbOne = LoadTools.nginx(work.resolve("lb-one"), LoadTools.proxyServer(oneBehindLbPort, first.port()));
    Process lbTwo = LoadTools.nginx(work.resolve("lb-two"),
        LoadTools.proxyServer(twoBehindLbPort, first.port(), second.port()));
    try {
      String token = LoadTools.serviceAccountToken(keycloak);
      first.awaitReady(Duration.ofSeconds(90));
      second.awaitReady(Duration.ofSeconds(90));
      String direct = first.baseUrl() + PATH;
      String viaOne = "http://127.0.0.1:" + oneBehindLbPort + PATH;
      String viaTwo = "http://127.0.0.1:" + twoBehindLbPort + PATH;
      LoadTools.awaitStatus("http://127.0.0.1:" + upstreamPort + "/", 200);
      for (String url : List.of(direct, viaOne, viaTwo)) {
        assertThat(LoadTools.status(url, token)).as("the bench call is allowed at " + url).isEqualTo(200);
      }

      // Round robin warms both gateways' JIT at once.
      LoadTools.warmUp(viaTwo, token, LoadTools.WARMUP);
      List<String> rows = new ArrayList<>();
      for (int round = 1; round <= ROUNDS; round++) {
        rows.add(LoadTools.measure("one gateway, no load balancer", direct, token, first.handle())
            .row(round + " | one gateway, no load balancer"));
        rows.add(LoadTools.measure("one gateway behind nginx", viaOne, token, first.handle())
            .row(round + " | one gateway behind nginx"));
        rows.add(LoadTools.measure("two gateways behind nginx", viaTwo, token, first.handle(), second.handle())
            .row(round + " | two gateways behind nginx (round robin)"));
      }
      String report = "| round | setup | requests/s | latency p50 | latency p99 | gateway CPU per request |\n"
          + "|---|---|---|---|---|---|\n" + String.join("\n", rows) + "\n\nwrk -t2 -c" + LoadTools.CONNECTIONS
          + " -d" + LoadTools.DURATION + " per row after one " + LoadTools.WARMUP + " warm-up through both gateways;"
          + " wrk, nginx, the gateways and the upstream share " + Runtime.getRuntime().availableProcessors()
          + " cores.\n";
      System.out.println(report);
      Files.createDirectories(Path.of("target/benchmarks"));
      Files.writeString(Path.of("target/benchmarks/gateway-scale-out.md"), report);
    } finally {
      lbOne.destroy();
      lbTwo.destroy();
      first.close();
      second.close();
      upstream.destroy();
    }
  }

  private static GatewayProcess startGateway(KeycloakServer keycloak, PostgresServer postgres, int upstreamPort,
      Path dir) {
    return GatewayProcess.start(LocalGateway.localConfig(keycloak.issuer("gatehouse"), postgres,
        "http://127.0.0.1:" + upstreamPort, FreePorts.next(),
        StackLayout.locate().realmConfigDir().resolve("activities.json")), dir);
  }
}
