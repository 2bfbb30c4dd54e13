package dev.gatehouse.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.it.revocation.GatewayReplicas;
import dev.gatehouse.it.revocation.RevocationChange;
import dev.gatehouse.it.revocation.RevocationChange.Scenario;
import dev.gatehouse.it.revocation.RevocationRealm;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Live revocation latency (issue #14): the time from a Keycloak admin call returning to the LAST of two gateway
 * processes refusing the affected token, over {@value #CHANGES} changes cycling through every kind. Each gateway is
 * polled tightly from its own thread. The gateways' safety-net poll is an hour, so only NOTIFY can be measured.
 * Measures; asserts only that every change was enforced. Run with:
 * {@code mvn -B verify -pl integration-tests -am -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.excludedGroups=none -Dit.test=RevocationLatencyBenchmarkIT}
 */
@Tag("benchmark")
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class RevocationLatencyBenchmarkIT {
  private static final int CHANGES = 110;
  private static final Duration GIVE_UP = Duration.ofSeconds(30);

  @Test
  void adminCallToLastGatewayRefusing(KeycloakServer keycloak, PostgresServer postgres) throws Exception {
    RevocationRealm realm = new RevocationRealm(keycloak);
    RevocationChange[] kinds = RevocationChange.values();
    List<Long> micros = new ArrayList<>();
    Map<RevocationChange, Long> worstByKind = new EnumMap<>(RevocationChange.class);
    String loadBefore = loadAverage();
    ExecutorService pollers = Executors.newFixedThreadPool(2);
    try (GatewayReplicas gateways = GatewayReplicas.start(2, realm.issuer(), postgres,
        Path.of("target/bench-revocation"))) {
      for (int i = 0; i < CHANGES; i++) {
        RevocationChange kind = kinds[i % kinds.length];
        Scenario scenario = kind.prepare(realm);
        for (int g = 0; g < gateways.size(); g++) {
          assertThat(gateways.get(g, RevocationRealm.ALLOWED_PATH, scenario.affected()).status())
              .as("%s: gateway %d serves the token before the change", kind, g).isEqualTo(200);
        }

        scenario.change().run();
        long returned = System.nanoTime();
        List<Future<Long>> refused = new ArrayList<>();
        for (int g = 0; g < gateways.size(); g++) {
          int gateway = g;
          refused.add(pollers.submit(() -> refusedAt(gateways, gateway, scenario)));
        }
        long last = 0;
        for (Future<Long> at : refused) {
          last = Math.max(last, at.get());
        }
        long latency = TimeUnit.NANOSECONDS.toMicros(last - returned);
        micros.add(latency);
        worstByKind.merge(kind, latency, Math::max);
        for (int g = 0; g < gateways.size(); g++) {
          assertThat(gateways.get(g, RevocationRealm.ALLOWED_PATH, scenario.unaffected()).status())
              .as("%s: gateway %d still serves the other token", kind, g).isEqualTo(200);
        }
      }
    } finally {
      pollers.shutdownNow();
    }
    String report = report(micros, worstByKind, loadBefore, loadAverage());
    System.out.println(report);
    Files.createDirectories(Path.of("target/benchmarks"));
    Files.writeString(Path.of("target/benchmarks/revocation-latency.md"), report);
  }

  /**
   * Polls one gateway without pause until it refuses the affected token (any 401: it was served just before); returns
   * System.nanoTime() of that answer.
   */
  private static long refusedAt(GatewayReplicas gateways, int gateway, Scenario scenario) {
    long end = System.nanoTime() + GIVE_UP.toNanos();
    while (gateways.get(gateway, RevocationRealm.ALLOWED_PATH, scenario.affected()).status() != 401) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Gateway " + gateway + " did not refuse within " + GIVE_UP.toSeconds() + " s");
      }
    }
    return System.nanoTime();
  }

  private static String report(List<Long> micros, Map<RevocationChange, Long> worstByKind, String loadBefore,
      String loadAfter) {
    List<Long> sorted = new ArrayList<>(micros);
    sorted.sort(null);
    StringBuilder out = new StringBuilder()
        .append("| changes | median | p95 | max |\n|---|---|---|---|\n")
        .append("| ").append(sorted.size()).append(" | ").append(ms(percentile(sorted, 50))).append(" | ")
        .append(ms(percentile(sorted, 95))).append(" | ").append(ms(sorted.get(sorted.size() - 1))).append(" |\n\n")
        .append("Worst per kind: ");
    worstByKind.forEach((kind, worst) -> out.append(kind.name().toLowerCase()).append(' ').append(ms(worst))
        .append(", "));
    out.setLength(out.length() - 2);
    return out.append("\n\nLoad average (1/5/15 min) before: ").append(loadBefore).append("; after: ")
        .append(loadAfter).append(" (").append(Runtime.getRuntime().availableProcessors()).append(" cores)\n")
        .toString();
  }

  private static long percentile(List<Long> sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static String ms(long micros) {
    return String.format("%.1f ms", micros / 1000.0);
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " / " + fields[1] + " / " + fields[2];
    } catch (Exception e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
