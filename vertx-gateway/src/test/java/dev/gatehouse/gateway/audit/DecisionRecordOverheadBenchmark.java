package dev.gatehouse.gateway.audit;

import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU per proxied request with decision records off, on with allows sampled at 1 %, and on for every allow, side by
 * side in one JVM: three real gateways (same harness: fake verifier and policy, the real demo upstream), loaded in
 * alternation by wrk on 127.0.0.1, this process's CPU time divided by the requests wrk completed. The upstream runs
 * in this JVM too, so the ratio understates the gateway's own share slightly; compare ratios, not absolute numbers.
 *
 * <pre>
 * mvn -q -o -pl vertx-gateway test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp "vertx-gateway/target/test-classes:vertx-gateway/target/classes:$(cat /tmp/cp.txt)" \
 *   dev.gatehouse.gateway.audit.DecisionRecordOverheadBenchmark [rounds] [seconds per run] [warm-up rounds]
 * </pre>
 */
public final class DecisionRecordOverheadBenchmark {
  private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path recordsFile = Files.createTempFile("gatehouse-decisions", ".jsonl");
    Map<String, GatewayHarness> gateways = new LinkedHashMap<>();
    List<AutoCloseable> closing = new ArrayList<>();
    gateways.put("records off", GatewayHarness.observed(json -> { }, RevocationGuard.alwaysFresh(), RequestAudit.off(),
        GatewayTracing.off()));
    for (double rate : new double[] {0.01, 1.0}) {
      DecisionRecorder recorder = new DecisionRecorder(List.of(JsonLinesSink.file(recordsFile)), 65_536,
          new SimpleMeterRegistry());
      closing.add(recorder);
      gateways.put("records on, allows " + (rate == 1.0 ? "100 %" : "1 %"), GatewayHarness.observed(json -> { },
          RevocationGuard.alwaysFresh(), new RequestAudit(recorder, rate), GatewayTracing.off()));
    }
    Map<String, List<Double>> microsPerRequest = new LinkedHashMap<>();
    gateways.keySet().forEach(name -> microsPerRequest.put(name, new ArrayList<>()));
    // Warm-up, in alternation too: the JIT shares code between the three gateways (measured: a 3 s warm-up left the
    // first rounds 2-8 times slower).
    int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    for (int i = 0; i < warmups; i++) {
      for (var entry : gateways.entrySet()) {
        run(entry.getValue(), seconds);
      }
    }
    for (int round = 1; round <= rounds; round++) {
      for (var entry : gateways.entrySet()) {
        double micros = run(entry.getValue(), seconds);
        microsPerRequest.get(entry.getKey()).add(micros);
        System.out.printf("round %d  %-28s %7.1f µs CPU/request%n", round, entry.getKey(), micros);
      }
    }
    double baseline = median(microsPerRequest.get("records off"));
    System.out.println();
    for (var entry : microsPerRequest.entrySet()) {
      double median = median(entry.getValue());
      System.out.printf("%-28s median %7.1f µs CPU/request  (%+.1f %% vs off)  runs %s%n", entry.getKey(), median,
          (median / baseline - 1) * 100, entry.getValue().stream().map(v -> String.format("%.1f", v)).toList());
    }
    for (GatewayHarness gateway : gateways.values()) {
      gateway.close();
    }
    for (AutoCloseable c : closing) {
      c.close();
    }
    try (var lines = Files.lines(recordsFile)) {
      System.out.println("records written: " + lines.count());
    }
    Files.delete(recordsFile);
  }

  /** Loads one gateway with wrk; this JVM's CPU time over the requests wrk completed, in microseconds. */
  private static double run(GatewayHarness gateway, int seconds) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = os.getProcessCpuTime();
    Process wrk = new ProcessBuilder("wrk", "-t1", "-c16", "-d" + seconds + "s",
        "-H", "Authorization: Bearer " + GatewayHarness.READER, gateway.uri("/api/v1/roles").toString())
        .redirectErrorStream(true).start();
    String output = new String(wrk.getInputStream().readAllBytes());
    if (wrk.waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + output);
    }
    long cpu = os.getProcessCpuTime() - cpuBefore;
    Matcher requests = REQUESTS.matcher(output);
    if (!requests.find() || output.contains("Non-2xx")) {
      throw new IllegalStateException("unexpected wrk output: " + output);
    }
    return cpu / 1_000.0 / Long.parseLong(requests.group(1));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
