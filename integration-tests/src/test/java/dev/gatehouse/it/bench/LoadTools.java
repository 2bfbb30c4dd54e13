package dev.gatehouse.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.stack.DevSecrets;
import dev.gatehouse.stack.keycloak.KeycloakServer;
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
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The benchmarks' outside tools: nginx (upstream, proxy, load balancer), wrk, and CPU time from /proc. */
final class LoadTools {
  static final String DURATION = System.getProperty("bench.duration", "15s");
  static final String CONNECTIONS = System.getProperty("bench.connections", "32");
  /** Measured here: C2 keeps one of the 2 cores busy for about 40 s of load before the gateway reaches steady state. */
  static final String WARMUP = System.getProperty("bench.warmup", "45s");
  /**
   * wrk counts a request slower than this as a socket error (timeout), which fails the run. wrk's default (2 s) failed
   * runs on a loaded machine where new TLS connections queued behind each other.
   */
  static final String TIMEOUT = System.getProperty("bench.timeout", "10s");
  private static final long CLOCK_TICKS = 100; // USER_HZ on Linux
  /**
   * With {@code -Dbench.pin=true} the processes under test run on CPU {@value #SERVER_CPU} and wrk on
   * {@value #LOAD_CPU} (taskset), so they do not compete for a core; each benchmark says whether it pins.
   */
  static final boolean PINNING = Boolean.getBoolean("bench.pin");
  static final String SERVER_CPU = "0";
  static final String LOAD_CPU = "1";

  /** {@code command} run on the server CPU when pinning, unchanged otherwise. */
  static List<String> onServerCpu(List<String> command) {
    if (!PINNING) {
      return command;
    }
    List<String> pinned = new ArrayList<>(List.of("taskset", "-c", SERVER_CPU));
    pinned.addAll(command);
    return pinned;
  }

  /** One wrk run: its raw output and the CPU the measured processes spent during it. */
  record Measurement(String output, long cpuTicks) {
    long requests() {
      return Long.parseLong(find(output, "(\\d+) requests in"));
    }

    double requestsPerSecond() {
      return Double.parseDouble(find(output, "Requests/sec:\\s+([\\d.]+)"));
    }

    /** CPU time of the measured processes per request served, in microseconds. */
    double cpuMicrosPerRequest() {
      return cpuTicks * (1_000_000.0 / CLOCK_TICKS) / requests();
    }

    /**
     * A markdown row: label, requests/s, p50, p99, CPU per request. Percentiles are read at line starts: the
     * "+/- Stdev" column above them also ends in "%" (e.g. "87.99%").
     */
    String row(String label) {
      return String.format("| %s | %s | %s | %s | %.1f µs |", label, find(output, "Requests/sec:\\s+([\\d.]+)"),
          find(output, "(?m)^\\s*50%\\s+(\\S+)"), find(output, "(?m)^\\s*99%\\s+(\\S+)"),
          cpuMicrosPerRequest());
    }
  }

  private LoadTools() {}

  /** Runs wrk against {@code url} for {@code duration}, output discarded: JIT compilation is not billed later. */
  static void warmUp(String url, String token, String duration) throws Exception {
    warmUp(url, bearer(token), duration);
  }

  /** The same with wrk's {@code -H} headers as given (e.g. {@code Connection: close}). */
  static void warmUp(String url, List<String> headers, String duration) throws Exception {
    new ProcessBuilder(wrkCommand(url, headers, duration)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  /**
   * Warm-up in {@code segments} wrk runs that share {@code total}: each run opens new connections and sends a token
   * fetched for it. A single long run warms only the steady state; the first measured round then brought new
   * connections and a new token, and the JIT recompiled (deoptimised) paths such as connection set-up and the cache
   * miss while being measured. Segments compile those paths before measuring.
   */
  static void warmUpInSegments(String url, Supplier<String> token, String total, int segments) throws Exception {
    long seconds = parseSeconds(total);
    long each = Math.max(1, seconds / Math.max(1, segments));
    for (int segment = 0; segment < segments; segment++) {
      warmUp(url, token.get(), each + "s");
    }
  }

  /** wrk's duration spelling ({@code 45s}, {@code 2m}) in seconds. */
  static long parseSeconds(String duration) {
    Matcher matcher = Pattern.compile("(\\d+)([sm]?)").matcher(duration.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("A duration is whole seconds or minutes, e.g. 45s or 2m, not " + duration);
    }
    long value = Long.parseLong(matcher.group(1));
    return "m".equals(matcher.group(2)) ? value * 60 : value;
  }

  /** Warm-up, then a measured run of {@link #WARMUP} and {@link #DURATION}, as one markdown row. */
  static String warmedUpRow(String label, String url, String token, ProcessHandle... measured) throws Exception {
    warmUp(url, token, WARMUP);
    return measure(label, url, token, measured).row(label);
  }

  /** A measured wrk run; fails on any non-2xx answer or socket error. CPU is summed over {@code measured}. */
  static Measurement measure(String label, String url, String token, ProcessHandle... measured) throws Exception {
    return measure(label, url, bearer(token), measured);
  }

  /** The same with wrk's {@code -H} headers as given (e.g. {@code Connection: close}). */
  static Measurement measure(String label, String url, List<String> headers, ProcessHandle... measured)
      throws Exception {
    long cpuBefore = cpuTicks(measured);
    Process wrk = new ProcessBuilder(wrkCommand(url, headers, DURATION)).redirectErrorStream(true).start();
    String output = new String(wrk.getInputStream().readAllBytes());
    wrk.waitFor();
    long cpu = cpuTicks(measured) - cpuBefore;
    System.out.println(label + ":\n" + output);
    assertThat(output).as("wrk output").doesNotContain("Non-2xx").doesNotContain("Socket errors");
    return new Measurement(output, cpu);
  }

  /** The Authorization header for {@code token}, or none. */
  static List<String> bearer(String token) {
    return token == null ? List.of() : List.of("Authorization: Bearer " + token);
  }

  private static List<String> wrkCommand(String url, List<String> headers, String duration) {
    List<String> command = new ArrayList<>(PINNING ? List.of("taskset", "-c", LOAD_CPU) : List.of());
    command.addAll(List.of("wrk", "-t2", "-c" + CONNECTIONS, "-d" + duration, "--timeout", TIMEOUT, "--latency"));
    for (String header : headers) {
      command.addAll(List.of("-H", header));
    }
    command.add(url);
    return command;
  }

  /** User + system CPU ticks of processes and all their descendants (nginx workers). */
  static long cpuTicks(ProcessHandle... roots) throws IOException {
    long ticks = 0;
    for (ProcessHandle root : roots) {
      ticks += ticksOf(root.pid());
      for (ProcessHandle child : root.descendants().toList()) {
        ticks += ticksOf(child.pid());
      }
    }
    return ticks;
  }

  private static long ticksOf(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
  }

  /** Starts nginx in the foreground with one worker and the given {@code http { ... }} content, all files in dir. */
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
    return new ProcessBuilder(onServerCpu(List.of("nginx", "-c", conf.toString(), "-p", dir.toString())))
        .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
  }

  /** nginx as a keep-alive reverse proxy on {@code port} to the given loopback ports (round robin). */
  static String proxyServer(int port, int... upstreamPorts) {
    StringBuilder servers = new StringBuilder();
    for (int upstreamPort : upstreamPorts) {
      servers.append("server 127.0.0.1:").append(upstreamPort).append("; ");
    }
    return """
        upstream app_%d { %s keepalive 64; }
        server { listen 127.0.0.1:%d; access_log off;
          location / { proxy_pass http://app_%d; proxy_http_version 1.1; proxy_set_header Connection ""; } }
        """.formatted(port, servers, port, port);
  }

  /** The reporting service account's token: one valid token for every request of a run. */
  static String serviceAccountToken(KeycloakServer keycloak) {
    return keycloak.admin().token("gatehouse", Map.of("grant_type", "client_credentials",
            "client_id", "reporting-service",
            "client_secret", DevSecrets.keycloakEnvironment().get(DevSecrets.REPORTING_SERVICE_SECRET)))
        .expect(200).json().path("access_token").asText();
  }

  /** A user's access token (password grant of the test client). */
  static String userToken(KeycloakServer keycloak, String username) {
    return keycloak.admin().token("gatehouse", Map.of("grant_type", "password", "client_id", "gatehouse-test",
        "username", username, "password", username, "scope", "openid")).expect(200).json()
        .path("access_token").asText();
  }

  /** A new API token for the user of {@code userAccessToken}, through the extension pack. */
  static String createApiToken(KeycloakServer keycloak, String userAccessToken) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(keycloak.issuer("gatehouse") + "/api-tokens"))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + userAccessToken)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"benchmark\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return new ObjectMapper().readTree(response.body()).path("token").asText();
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

  static String find(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    return matcher.find() ? matcher.group(1) : "?";
  }
}
