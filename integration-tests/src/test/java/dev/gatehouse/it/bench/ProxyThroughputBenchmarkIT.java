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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Side-by-side throughput on loopback, in one run, with one trivial upstream (nginx returning a constant):
 * <ul>
 *   <li>the upstream directly, and nginx as a plain reverse proxy (no auth);</li>
 *   <li>the Vert.x floor: a bare Vert.x server piping to a Vert.x client, and vertx-http-proxy without interceptors
 *       (see {@link dev.gatehouse.it.bench.floor.FloorProxy});</li>
 *   <li>the gateway (separate JVM from its fat jar) with full authorization: a service account's JWT from the
 *       verified-token cache, the same with the cache off (every request verifies the signature: the cold case), a
 *       user's API token, and, when Temurin 25 is installed, the warm case on JDK 25.</li>
 * </ul>
 * Every target gets the same request (the same Bearer token included). Each is warmed up once (in several wrk runs,
 * each with new connections and a new token), then all are measured in turn for {@code bench.rounds} rounds (medians reported). CPU per request is each process's user + system time
 * from /proc over a measured run. With {@code -Dbench.pin=true} every process under test shares CPU 0 and wrk runs on
 * CPU 1. Needs {@code wrk} and {@code nginx} (apt). Measures, asserts nothing about speed. One command, about 15
 * minutes: {@code mvn -B verify -pl integration-tests -am -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.excludedGroups=none -Dit.test=ProxyThroughputBenchmarkIT -Dbench.pin=true}
 */
@Tag("benchmark")
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class ProxyThroughputBenchmarkIT {
  private static final String PATH = "/api/v1/users";
  private static final String REALM = "gatehouse";
  private static final Path JDK_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
  /** Which rows to measure (default all): upstream, nginx, pipe, http-proxy, warm, cold, api-token, jdk25. */
  private static final List<String> TARGETS = List.of(System.getProperty("bench.targets",
      "upstream,nginx,pipe,http-proxy,warm,no-records,cold,api-token,jdk25").split(","));
  /** Measurements per target, taken in turn. */
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  /** The warm-up is split into this many wrk runs, each with new connections and a new token. */
  private static final int WARMUP_SEGMENTS = Integer.getInteger("bench.warmupSegments", 5);
  /** Extra JVM options for the warm gateway, e.g. a profiler agent. */
  private static final String WARM_JVM_OPTIONS = System.getProperty("bench.gatewayJvmOptions", "");
  /** JVM options for the floor proxies (e.g. the same profiler as the gateway, to compare like with like). */
  private static final String FLOOR_JVM_OPTIONS = System.getProperty("bench.floorJvmOptions", "");

  @Test
  void nginxVertxFloorAndGatewaySideBySide(KeycloakServer keycloak, PostgresServer postgres) throws Exception {
    StackLayout layout = StackLayout.locate();
    Path work = Files.createDirectories(Path.of("target/bench-proxy"));
    int upstreamPort = FreePorts.next();
    int nginxPort = FreePorts.next();
    int pipePort = FreePorts.next();
    int httpProxyPort = FreePorts.next();

    List<Process> started = new ArrayList<>();
    List<GatewayProcess> gateways = new ArrayList<>();
    try {
      Process upstream = started(started, LoadTools.nginx(work.resolve("upstream"), """
          server { listen 127.0.0.1:%d; access_log off; location / { return 200 "ok\\n"; } }
          """.formatted(upstreamPort)));
      Process nginx = started(started, LoadTools.nginx(work.resolve("proxy"),
          LoadTools.proxyServer(nginxPort, upstreamPort)));
      Process pipe = started(started, floor("pipe", pipePort, upstreamPort, work));
      Process httpProxy = started(started, floor("http-proxy", httpProxyPort, upstreamPort, work));

      Path activities = layout.realmConfigDir().resolve("activities.json");
      String upstreamUrl = "http://127.0.0.1:" + upstreamPort;
      List<String> warmLauncher = new ArrayList<>(List.of("java"));
      if (!WARM_JVM_OPTIONS.isBlank()) {
        warmLauncher.addAll(List.of(WARM_JVM_OPTIONS.trim().split("\\s+")));
      }
      // Only the gateways a selected target uses are started: an idle JVM on the pinned CPU still costs a little.
      GatewayProcess warm = TARGETS.contains("warm") || TARGETS.contains("api-token") ? gateway(gateways,
          LocalGateway.localConfig(keycloak.issuer(REALM), postgres, upstreamUrl, FreePorts.next(), activities),
          work.resolve("gateway-warm"), warmLauncher) : null;
      JsonObject quietConfig = LocalGateway.localConfig(keycloak.issuer(REALM), postgres, upstreamUrl,
          FreePorts.next(), activities);
      quietConfig.put("audit", new JsonObject().put("enabled", false));
      GatewayProcess quiet = TARGETS.contains("no-records") ? gateway(gateways, quietConfig,
          work.resolve("gateway-no-records"), warmLauncher) : null;
      JsonObject coldConfig = LocalGateway.localConfig(keycloak.issuer(REALM), postgres, upstreamUrl,
          FreePorts.next(), activities);
      coldConfig.getJsonObject("token").put("verifiedCacheSize", 0);
      GatewayProcess cold = TARGETS.contains("cold") ? gateway(gateways, coldConfig, work.resolve("gateway-cold"),
          List.of("java")) : null;
      GatewayProcess jdk25 = TARGETS.contains("jdk25") && Files.isExecutable(JDK_25) ? gateway(gateways,
          LocalGateway.localConfig(keycloak.issuer(REALM), postgres, upstreamUrl, FreePorts.next(), activities),
          work.resolve("gateway-jdk25"), List.of(JDK_25.toString())) : null;
      for (GatewayProcess gateway : gateways) {
        gateway.awaitReady(Duration.ofSeconds(120));
      }
      LoadTools.awaitStatus("http://127.0.0.1:" + upstreamPort + "/", 200);
      LoadTools.awaitStatus("http://127.0.0.1:" + pipePort + "/", 200);
      LoadTools.awaitStatus("http://127.0.0.1:" + httpProxyPort + "/", 200);

      String serviceToken = LoadTools.serviceAccountToken(keycloak);
      String apiToken = LoadTools.createApiToken(keycloak, LoadTools.userToken(keycloak, "carol"));
      for (GatewayProcess gateway : gateways) {
        assertThat(LoadTools.status(gateway.baseUrl() + PATH, serviceToken)).as("the gateway allows the bench call")
            .isEqualTo(200);
      }
      if (warm != null) {
        assertThat(LoadTools.status(warm.baseUrl() + PATH, apiToken)).as("carol's API token is allowed")
            .isEqualTo(200);
      }

      // Every target is warmed up once, then measured in turn, round after round (A, B, C, ..., A, B, C, ...): on a
      // shared machine, load from elsewhere then falls on every target alike, and the medians compare them fairly.
      List<Target> targets = new ArrayList<>();
      // Every target gets the same request, token included: reading a 1 KB Authorization header is part of the floor.
      Supplier<String> sameToken = () -> LoadTools.serviceAccountToken(keycloak);
      targets.add(new Target("upstream", "upstream directly", "http://127.0.0.1:" + upstreamPort + PATH, sameToken,
          upstream.toHandle()));
      targets.add(new Target("nginx", "nginx reverse proxy, no auth", "http://127.0.0.1:" + nginxPort + PATH,
          sameToken, nginx.toHandle()));
      targets.add(new Target("pipe", "Vert.x floor: bare server piping to a client", "http://127.0.0.1:" + pipePort
          + PATH, sameToken, pipe.toHandle()));
      targets.add(new Target("http-proxy", "Vert.x floor: vertx-http-proxy, no interceptors", "http://127.0.0.1:"
          + httpProxyPort + PATH, sameToken, httpProxy.toHandle()));
      // A fresh token for each measurement: a whole run takes longer than a token's lifespan.
      if (warm != null) {
        targets.add(new Target("warm", "**Gatehouse**, JWT from the verified-token cache (warm)",
            warm.baseUrl() + PATH, () -> LoadTools.serviceAccountToken(keycloak), warm.handle()));
        targets.add(new Target("api-token", "Gatehouse, API token (resolution cached)", warm.baseUrl() + PATH,
            () -> apiToken, warm.handle()));
      }
      if (quiet != null) {
        targets.add(new Target("no-records", "Gatehouse, JWT warm, decision records off (`audit.enabled: false`)",
            quiet.baseUrl() + PATH, () -> LoadTools.serviceAccountToken(keycloak), quiet.handle()));
      }
      if (cold != null) {
        targets.add(new Target("cold", "Gatehouse, JWT verified on every request (cold: cache off)", cold.baseUrl()
            + PATH, () -> LoadTools.serviceAccountToken(keycloak), cold.handle()));
      }
      if (jdk25 != null) {
        targets.add(new Target("jdk25", "Gatehouse on JDK 25, JWT warm", jdk25.baseUrl() + PATH,
            () -> LoadTools.serviceAccountToken(keycloak), jdk25.handle()));
      }
      targets.removeIf(target -> !TARGETS.contains(target.key()));
      for (Target target : targets) {
        LoadTools.warmUpInSegments(target.url(), target.token(), LoadTools.WARMUP, WARMUP_SEGMENTS);
      }
      Map<Target, List<LoadTools.Measurement>> measured = new LinkedHashMap<>();
      for (int round = 0; round < ROUNDS; round++) {
        for (Target target : targets) {
          measured.computeIfAbsent(target, t -> new ArrayList<>()).add(LoadTools.measure(target.label(),
              target.url(), target.token().get(), target.process()));
        }
      }
      StringBuilder table = new StringBuilder("| target | requests/s (median) | CPU per request, median | each round |\n"
          + "|---|---|---|---|\n");
      for (Map.Entry<Target, List<LoadTools.Measurement>> entry : measured.entrySet()) {
        List<LoadTools.Measurement> rounds = entry.getValue();
        table.append(String.format("| %s | %,.0f | %.1f µs | %s |%n", entry.getKey().label(),
            median(rounds.stream().mapToDouble(LoadTools.Measurement::requestsPerSecond).toArray()),
            median(rounds.stream().mapToDouble(LoadTools.Measurement::cpuMicrosPerRequest).toArray()),
            String.join(", ", rounds.stream().map(m -> String.format("%.1f", m.cpuMicrosPerRequest())).toList())));
      }
      String report = table + "\nwrk -t2 -c" + LoadTools.CONNECTIONS + ", " + ROUNDS + " rounds of " + LoadTools.DURATION
          + " per target after a " + LoadTools.WARMUP + " warm-up each (" + WARMUP_SEGMENTS
          + " runs, each with new connections and a new token), one run; "
          + (LoadTools.PINNING ? "processes under test on CPU 0, wrk on CPU 1" : "not pinned") + ".\n";
      System.out.println(report);
      Files.createDirectories(Path.of("target/benchmarks"));
      Files.writeString(Path.of("target/benchmarks/proxy-throughput.md"), report);
    } finally {
      for (GatewayProcess gateway : gateways) {
        gateway.close();
      }
      for (Process process : started) {
        process.destroy();
      }
    }
  }

  /** One row: what is measured, where, with which Bearer token, and which process's CPU counts. */
  private record Target(String key, String label, String url, Supplier<String> token, ProcessHandle process) {}

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static Process started(List<Process> started, Process process) {
    started.add(process);
    return process;
  }

  private static GatewayProcess gateway(List<GatewayProcess> gateways, JsonObject config, Path dir,
      List<String> java) {
    GatewayProcess gateway = GatewayProcess.start(config, dir.toAbsolutePath(),
        StackLayout.locate().root().resolve("vertx-gateway/target/gatehouse-gateway-all.jar"), List.of(),
        LoadTools.onServerCpu(java));
    gateways.add(gateway);
    return gateway;
  }

  /** The floor proxy in its own JVM, from this module's test classpath. */
  private static Process floor(String mode, int port, int upstreamPort, Path work) throws Exception {
    Path log = work.resolve("floor-" + mode + ".log").toAbsolutePath();
    List<String> java = new ArrayList<>(List.of("java", "-Xmx512m"));
    if (!FLOOR_JVM_OPTIONS.isBlank()) {
      java.addAll(List.of(FLOOR_JVM_OPTIONS.replace("%mode", mode).trim().split("\\s+")));
    }
    java.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.gatehouse.it.bench.floor.FloorProxy", mode,
        String.valueOf(port), String.valueOf(upstreamPort)));
    List<String> command = LoadTools.onServerCpu(java);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
