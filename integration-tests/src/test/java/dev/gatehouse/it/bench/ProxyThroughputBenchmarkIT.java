package dev.gatehouse.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.DevSecrets;
import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.gateway.LocalGateway;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final String DURATION = System.getProperty("bench.duration", "15s");
  private static final String CONNECTIONS = System.getProperty("bench.connections", "32");
  /** Measured here: C2 keeps one of the 2 cores busy for about 40 s of load before the gateway reaches steady state. */
  private static final String WARMUP = System.getProperty("bench.warmup", "45s");
  private static final long CLOCK_TICKS = 100; // USER_HZ on Linux

  @Test
  void upstreamVersusNginxVersusGateway(KeycloakServer keycloak, PostgresServer postgres) throws Exception {
    StackLayout layout = StackLayout.locate();
    Path work = Files.createDirectories(Path.of("target/bench-proxy"));
    int upstreamPort = FreePorts.next();
    int nginxPort = FreePorts.next();
    int gatewayPort = FreePorts.next();

    Process upstream = nginx(work.resolve("upstream"), """
        server { listen 127.0.0.1:%d; access_log off; location / { return 200 "ok\\n"; } }
        """.formatted(upstreamPort));
    Process proxy = nginx(work.resolve("proxy"), """
        upstream app { server 127.0.0.1:%d; keepalive 64; }
        server { listen 127.0.0.1:%d; access_log off;
          location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; } }
        """.formatted(upstreamPort, nginxPort));

    JsonObject config = LocalGateway.localConfig(keycloak.issuer("gatehouse"), postgres,
        "http://127.0.0.1:" + upstreamPort, gatewayPort, layout.realmConfigDir().resolve("activities.json"));
    Process gateway = startGatewayJar(layout, work, config);
    try {
      String token = serviceAccountToken(keycloak);
      awaitStatus("http://127.0.0.1:" + gatewayPort + "/health/ready", 200);
      awaitStatus("http://127.0.0.1:" + upstreamPort + "/", 200);
      assertThat(status("http://127.0.0.1:" + gatewayPort + PATH, token)).as("the gateway allows the bench call")
          .isEqualTo(200);

      List<String> rows = new ArrayList<>();
      rows.add(measure("upstream directly", "http://127.0.0.1:" + upstreamPort + PATH, null, upstream));
      rows.add(measure("nginx reverse proxy, no auth", "http://127.0.0.1:" + nginxPort + PATH, null, proxy));
      rows.add(measure("Gatehouse gateway, JWT verify + authorize", "http://127.0.0.1:" + gatewayPort + PATH, token,
          gateway));
      String report = "| target | requests/s | latency p50 | latency p99 | CPU per request of the process under test |\n"
          + "|---|---|---|---|---|\n" + String.join("\n", rows) + "\n\nwrk -t2 -c" + CONNECTIONS + " -d" + DURATION
          + " after a " + WARMUP + " warm-up per target, one run, 2-core machine shared by wrk, the proxy and the"
          + " upstream.\n";
      System.out.println(report);
      Files.createDirectories(Path.of("target/benchmarks"));
      Files.writeString(Path.of("target/benchmarks/proxy-throughput.md"), report);
    } finally {
      gateway.destroy();
      upstream.destroy();
      proxy.destroy();
    }
  }

  static String measure(String label, String url, String token, Process process) throws Exception {
    List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c" + CONNECTIONS, "-d" + DURATION, "--latency"));
    if (token != null) {
      command.addAll(List.of("-H", "Authorization: Bearer " + token));
    }
    command.add(url);
    // Warm up first, so that JIT compilation is not billed as per-request CPU.
    List<String> warmup = new ArrayList<>(command);
    warmup.set(warmup.indexOf("-d" + DURATION), "-d" + WARMUP);
    new ProcessBuilder(warmup).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
        .waitFor();
    long cpuBefore = cpuTicks(process.toHandle());
    Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(wrk.getInputStream().readAllBytes());
    wrk.waitFor();
    long cpuTicks = cpuTicks(process.toHandle()) - cpuBefore;
    System.out.println(label + ":\n" + output);
    assertThat(output).as("wrk output").doesNotContain("Non-2xx").doesNotContain("Socket errors");
    long requests = Long.parseLong(find(output, "(\\d+) requests in"));
    return String.format("| %s | %s | %s | %s | %.1f µs |", label, find(output, "Requests/sec:\\s+([\\d.]+)"),
        find(output, "50%\\s+(\\S+)"), find(output, "99%\\s+(\\S+)"),
        cpuTicks * (1_000_000.0 / CLOCK_TICKS) / requests);
  }

  /** User + system CPU ticks of a process and all its descendants (nginx workers). */
  private static long cpuTicks(ProcessHandle root) throws IOException {
    long ticks = ticksOf(root.pid());
    for (ProcessHandle child : root.descendants().toList()) {
      ticks += ticksOf(child.pid());
    }
    return ticks;
  }

  private static long ticksOf(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
  }

  /** The gateway from its fat jar in a JVM of its own, configured by {@code config}, logging to the work dir. */
  static Process startGatewayJar(StackLayout layout, Path work, JsonObject config) throws IOException {
    Path configFile = work.resolve("gateway.json");
    Files.writeString(configFile, config.encodePrettily());
    return new ProcessBuilder("java", "-Xmx512m", "-jar",
        layout.root().resolve("vertx-gateway/target/gatehouse-gateway-all.jar").toString(), "--config",
        configFile.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("gateway.log").toFile()).start();
  }

  static Process nginx(Path relativeDir, String servers) throws IOException {
    Path dir = relativeDir.toAbsolutePath(); // nginx resolves relative paths against its prefix, not our directory
    Files.createDirectories(dir.resolve("logs"));
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, """
        daemon off; master_process on; worker_processes 1; pid %s/nginx.pid; error_log %s/logs/error.log warn;
        events { worker_connections 1024; }
        http { client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s; uwsgi_temp_path %s;
          scgi_temp_path %s; keepalive_requests 1000000;
          %s }
        """.formatted(dir, dir, dir, dir, dir, dir, dir, servers));
    return new ProcessBuilder("nginx", "-c", conf.toString(), "-p", dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
  }

  private static String serviceAccountToken(KeycloakServer keycloak) {
    return keycloak.admin().token("gatehouse", Map.of("grant_type", "client_credentials",
            "client_id", "reporting-service",
            "client_secret", DevSecrets.keycloakEnvironment().get(DevSecrets.REPORTING_SERVICE_SECRET)))
        .expect(200).json().path("access_token").asText();
  }

  static void awaitStatus(String url, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (status(url, null) != expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(url + " did not answer " + expected + " in time");
      }
      Thread.sleep(100);
    }
  }

  static int status(String url, String token) throws InterruptedException {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  private static String find(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    return matcher.find() ? matcher.group(1) : "?";
  }
}
