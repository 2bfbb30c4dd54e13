package dev.gatehouse.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.testing.TestCertificates;
import dev.gatehouse.it.support.GatewayProcess;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.gateway.LocalGateway;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What TLS costs at the gateway, next to what it costs nginx, in one run on one upstream (nginx returning a constant).
 * Both terminate TLS 1.3 with the same certificate (RSA 2048), the same suite (TLS_AES_128_GCM_SHA256) and the same
 * key exchange (X25519), checked with {@code openssl s_client} before measuring. nginx proxies without auth; the
 * gateway verifies the token and authorizes, as in {@link ProxyThroughputBenchmarkIT}: the TLS cost is the
 * difference between a server's TLS row and its plain HTTP row. Three scenarios:
 * <ul>
 *   <li>keep-alive ({@code wrk -c32}: 32 connections, handshakes only at the start);
 *   <li>a new connection per request ({@code -H 'Connection: close'}). wrk offers the previous session again, so
 *       with TLS these are resumed handshakes (no certificate signature), as returning clients do;
 *   <li>a new connection per request with a full handshake each time: resumption switched off on a second nginx
 *       server block ({@code ssl_session_tickets off; ssl_session_cache off}) and a third gateway JVM
 *       ({@code -Djdk.tls.server.disableExtensions=pre_shared_key}), as first-time clients cost.
 * </ul>
 * Rows are measured in rounds, alternating servers, each after a short re-warm. Needs {@code wrk}, {@code nginx}
 * (with the SSL module, e.g. nginx-light) and {@code openssl} (apt). Measures, asserts nothing about speed. Run with:
 * {@code mvn -B verify -pl integration-tests -am -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.excludedGroups=none -Dit.test=TlsCostBenchmarkIT}
 */
@Tag("benchmark")
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class TlsCostBenchmarkIT {
  private static final String PATH = "/api/v1/users";
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
  private static final String REWARM = System.getProperty("bench.rewarm", "5s");
  /** The handshake path's own warm-up per HTTPS gateway JVM: a keep-alive warm-up hardly runs it. */
  private static final String HANDSHAKE_WARMUP = System.getProperty("bench.handshakeWarmup", "30s");
  private static final String SUITE = "TLS_AES_128_GCM_SHA256";
  private static final String NGINX_TLS = "ssl_protocols TLSv1.3; ssl_conf_command Ciphersuites " + SUITE
      + "; ssl_ecdh_curve X25519;";
  private static final String NO_RESUMPTION_JVM_OPTION = "-Djdk.tls.server.disableExtensions=pre_shared_key";

  enum Scenario {
    KEEP_ALIVE("keep-alive", List.of()),
    NEW_CONNECTION("new connection per request (TLS: session resumed)", List.of("Connection: close")),
    FULL_HANDSHAKE("new connection per request, full TLS handshake (resumption off)", List.of("Connection: close"));

    final String label;
    final List<String> headers;

    Scenario(String label, List<String> headers) {
      this.label = label;
      this.headers = headers;
    }
  }

  /** One server in one transport: where wrk sends requests, and the process whose CPU is counted. */
  record Target(String server, boolean tls, String url, boolean needsToken, ProcessHandle process) {
    String name() {
      return server + (tls ? " HTTPS" : " HTTP");
    }
  }

  @Test
  void gatewayVersusNginxTerminatingTls(KeycloakServer keycloak, PostgresServer postgres) throws Exception {
    StackLayout layout = StackLayout.locate();
    Path work = Files.createDirectories(Path.of("target/bench-tls")).toAbsolutePath();
    String loadBefore = loadAverage();
    Instant started = Instant.now();

    Path tlsDir = Files.createDirectories(work.resolve("tls"));
    Path[] pair = TestCertificates.server(TestCertificates.ca("bench CA")).write(tlsDir, "server");
    Path cert = pair[0];
    Path key = pair[1];

    int upstreamPort = FreePorts.next();
    int nginxHttp = FreePorts.next();
    int nginxHttps = FreePorts.next();
    int nginxHttpsNoResumption = FreePorts.next();
    Process upstream = LoadTools.nginx(work.resolve("upstream"), """
        server { listen 127.0.0.1:%d; access_log off; location / { return 200 "ok\\n"; } }
        """.formatted(upstreamPort));
    String toUpstream = "location / { proxy_pass http://app_%d; proxy_http_version 1.1; "
        .formatted(nginxHttp) + "proxy_set_header Connection \"\"; }";
    Process nginx = LoadTools.nginx(work.resolve("nginx"), LoadTools.proxyServer(nginxHttp, upstreamPort) + """
        server { listen 127.0.0.1:%d ssl; access_log off; ssl_certificate %s; ssl_certificate_key %s; %s %s }
        server { listen 127.0.0.1:%d ssl; access_log off; ssl_certificate %s; ssl_certificate_key %s; %s
          ssl_session_tickets off; ssl_session_cache off; %s }
        """.formatted(nginxHttps, cert, key, NGINX_TLS, toUpstream,
        nginxHttpsNoResumption, cert, key, NGINX_TLS, toUpstream));

    Path jar = layout.root().resolve("vertx-gateway/target/gatehouse-gateway-all.jar");
    String upstreamUrl = "http://127.0.0.1:" + upstreamPort;
    Path seed = layout.realmConfigDir().resolve("activities.json");
    JsonObject terminate = new JsonObject().put("mode", "terminate").put("certFile", cert.toString())
        .put("keyFile", key.toString()).put("protocols", new JsonArray().add("TLSv1.3"))
        .put("cipherSuites", new JsonArray().add(SUITE));
    List<GatewayProcess> gateways = new ArrayList<>();
    try {
      GatewayProcess plainGateway = GatewayProcess.start(LocalGateway.localConfig(keycloak.issuer("gatehouse"),
          postgres, upstreamUrl, FreePorts.next(), seed), work.resolve("gateway-http"), jar, List.of());
      gateways.add(plainGateway);
      GatewayProcess tlsGateway = GatewayProcess.start(LocalGateway.localConfig(keycloak.issuer("gatehouse"),
          postgres, upstreamUrl, FreePorts.next(), seed).put("tls", terminate.copy()), work.resolve("gateway-https"),
          jar, List.of());
      gateways.add(tlsGateway);
      GatewayProcess fullHandshakeGateway = GatewayProcess.start(LocalGateway.localConfig(
          keycloak.issuer("gatehouse"), postgres, upstreamUrl, FreePorts.next(), seed).put("tls", terminate.copy()),
          work.resolve("gateway-https-no-resumption"), jar, List.of(NO_RESUMPTION_JVM_OPTION));
      gateways.add(fullHandshakeGateway);
      for (GatewayProcess gateway : gateways) {
        gateway.awaitReady(Duration.ofSeconds(120));
      }
      LoadTools.awaitStatus("http://127.0.0.1:" + nginxHttp + "/", 200);

      Target nginxPlain = new Target("nginx", false, "http://127.0.0.1:" + nginxHttp + PATH, false, nginx.toHandle());
      Target nginxTls = new Target("nginx", true, "https://127.0.0.1:" + nginxHttps + PATH, false, nginx.toHandle());
      Target nginxFull = new Target("nginx", true, "https://127.0.0.1:" + nginxHttpsNoResumption + PATH, false,
          nginx.toHandle());
      Target gatewayPlain = new Target("gateway", false, plainGateway.baseUrl() + PATH, true, plainGateway.handle());
      Target gatewayTls = new Target("gateway", true, tlsGateway.baseUrl() + PATH, true, tlsGateway.handle());
      Target gatewayFull = new Target("gateway", true, fullHandshakeGateway.baseUrl() + PATH, true,
          fullHandshakeGateway.handle());
      Map<Scenario, List<Target>> plan = new LinkedHashMap<>();
      plan.put(Scenario.KEEP_ALIVE, List.of(nginxPlain, nginxTls, gatewayPlain, gatewayTls));
      plan.put(Scenario.NEW_CONNECTION, List.of(nginxPlain, nginxTls, gatewayPlain, gatewayTls));
      plan.put(Scenario.FULL_HANDSHAKE, List.of(nginxFull, gatewayFull));

      List<String> handshakes = new ArrayList<>();
      handshakes.add(checkHandshake("nginx HTTPS", nginxHttps, true));
      handshakes.add(checkHandshake("nginx HTTPS, resumption off", nginxHttpsNoResumption, false));
      handshakes.add(checkHandshake("gateway HTTPS", tlsGateway.port(), true));
      handshakes.add(checkHandshake("gateway HTTPS, resumption off", fullHandshakeGateway.port(), false));

      String token = LoadTools.serviceAccountToken(keycloak);
      assertThat(LoadTools.status(gatewayPlain.url(), token)).as("the gateway allows the bench call").isEqualTo(200);
      for (Target gateway : List.of(gatewayPlain, gatewayTls, gatewayFull)) {
        // C2 needs about 40 s of load (LoadTools.WARMUP); then the handshake path on its own.
        LoadTools.warmUp(gateway.url(), LoadTools.bearer(token), LoadTools.WARMUP);
        LoadTools.warmUp(gateway.url(), headers(token, Scenario.NEW_CONNECTION),
            gateway.tls() ? HANDSHAKE_WARMUP : REWARM);
      }

      List<String> rows = new ArrayList<>();
      List<String> costs = new ArrayList<>();
      for (int round = 1; round <= ROUNDS; round++) {
        Map<String, LoadTools.Measurement> measured = new LinkedHashMap<>();
        for (var step : plan.entrySet()) {
          Scenario scenario = step.getKey();
          for (Target target : step.getValue()) {
            // A fresh token per row: a long session outlives the realm's token lifespan.
            List<String> headers = headers(target.needsToken() ? LoadTools.serviceAccountToken(keycloak) : null,
                scenario);
            LoadTools.warmUp(target.url(), headers, REWARM);
            String label = round + " | " + scenario.label + " | " + target.name();
            LoadTools.Measurement m = LoadTools.measure(label, target.url(), headers, target.process());
            measured.put(scenario + "/" + target.name(), m);
            rows.add(m.row(label));
            System.out.println(m.row(label)); // kept in the log even if a later row fails
          }
        }
        for (String server : List.of("nginx", "gateway")) {
          LoadTools.Measurement keepAlivePlain = measured.get(Scenario.KEEP_ALIVE + "/" + server + " HTTP");
          LoadTools.Measurement newPlain = measured.get(Scenario.NEW_CONNECTION + "/" + server + " HTTP");
          costs.add(cost(round, server, Scenario.KEEP_ALIVE, keepAlivePlain,
              measured.get(Scenario.KEEP_ALIVE + "/" + server + " HTTPS")));
          costs.add(cost(round, server, Scenario.NEW_CONNECTION, newPlain,
              measured.get(Scenario.NEW_CONNECTION + "/" + server + " HTTPS")));
          costs.add(cost(round, server, Scenario.FULL_HANDSHAKE, newPlain,
              measured.get(Scenario.FULL_HANDSHAKE + "/" + server + " HTTPS")));
        }
      }

      String report = "| round | scenario | target | requests/s | latency p50 | latency p99 | CPU per request of the "
          + "server process |\n|---|---|---|---|---|---|---|\n" + String.join("\n", rows)
          + "\n\nTLS cost: the HTTPS row against the same server's plain HTTP row of the same round (for the full "
          + "handshake: against plain HTTP with a new connection per request).\n\n"
          + "| round | server | scenario | requests/s, HTTPS / HTTP | CPU per request, HTTPS − HTTP |\n"
          + "|---|---|---|---|---|\n" + String.join("\n", costs)
          + "\n\nNegotiated (openssl s_client, two connections each):\n\n" + String.join("\n", handshakes)
          + "\n\nwrk -t2 -c" + LoadTools.CONNECTIONS + " -d" + LoadTools.DURATION + " --timeout " + LoadTools.TIMEOUT
          + " per row, after a "
          + LoadTools.WARMUP + " keep-alive and a " + HANDSHAKE_WARMUP + " (HTTPS) or " + REWARM
          + " (HTTP) new-connection warm-up per gateway JVM and a "
          + REWARM + " re-warm per row; " + ROUNDS + " round(s); the whole run took "
          + Duration.between(started, Instant.now()).toMinutes() + " min.\nLoad average (1, 5, 15 min) before: " + loadBefore + "; after: " + loadAverage()
          + ".\nTools: " + versions() + ".\n";
      System.out.println(report);
      Files.createDirectories(Path.of("target/benchmarks"));
      Files.writeString(Path.of("target/benchmarks/tls-cost.md"), report);
    } finally {
      for (GatewayProcess gateway : gateways) {
        gateway.close();
      }
      nginx.destroy();
      upstream.destroy();
    }
  }

  private static List<String> headers(String token, Scenario scenario) {
    List<String> headers = new ArrayList<>(LoadTools.bearer(token));
    headers.addAll(scenario.headers);
    return headers;
  }

  private static String cost(int round, String server, Scenario scenario, LoadTools.Measurement plain,
      LoadTools.Measurement tls) {
    return String.format(Locale.ROOT, "| %d | %s | %s | %.2f | %+.1f µs |", round, server, scenario.label,
        tls.requestsPerSecond() / plain.requestsPerSecond(), tls.cpuMicrosPerRequest() - plain.cpuMicrosPerRequest());
  }

  /**
   * Two {@code openssl s_client} connections, the second offering the first one's session: the protocol, suite and
   * key exchange must be the ones both servers are meant to use, and resumption must work exactly where intended.
   */
  private static String checkHandshake(String name, int port, boolean resumptionExpected) throws Exception {
    Path session = Files.createTempFile("tls-session", ".pem");
    try {
      String first = sClient(port, "-sess_out", session);
      String second = sClient(port, "-sess_in", session);
      String negotiated = LoadTools.find(first, "(?m)^New, (TLSv1\\.3, Cipher is \\S+)");
      String keyExchange = LoadTools.find(first, "(?m)^Server Temp Key: ([^,\\n]+)");
      String again = LoadTools.find(second, "(?m)^(New|Reused), TLSv");
      assertThat(negotiated).as("%s: protocol and suite; s_client said:\n%s", name, first)
          .isEqualTo("TLSv1.3, Cipher is " + SUITE);
      assertThat(keyExchange).as("%s: key exchange", name).isEqualTo("X25519");
      assertThat(again).as("%s: second connection offering the first one's session", name)
          .isEqualTo(resumptionExpected ? "Reused" : "New");
      return "- " + name + ": " + negotiated.replace(", Cipher is", ",") + ", " + keyExchange + "; second connection: "
          + (again.equals("Reused") ? "resumed" : "full handshake");
    } finally {
      Files.deleteIfExists(session);
    }
  }

  private static String sClient(int port, String sessionOption, Path session) throws Exception {
    Process process = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_3",
        "-ign_eof", sessionOption, session.toString()).redirectErrorStream(true).start();
    // HTTP/1.1 with Connection: close: the server ends the connection after its answer, after sending its tickets.
    process.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("openssl s_client to port " + port + " did not finish");
    }
    return output;
  }

  private static String loadAverage() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return fields[0] + ", " + fields[1] + ", " + fields[2];
  }

  private static String versions() throws Exception {
    List<String> versions = new ArrayList<>();
    for (List<String> command : List.of(List.of("java", "-version"), List.of("nginx", "-v"),
        List.of("openssl", "version"))) {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor();
      versions.add(output.lines().findFirst().orElse("?").trim());
    }
    return String.join("; ", versions) + " (the gateway's JVM, with the JDK's own TLS engine)";
  }
}
