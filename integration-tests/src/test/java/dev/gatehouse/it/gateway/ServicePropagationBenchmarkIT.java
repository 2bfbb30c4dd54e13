package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.UUID;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Control-plane propagation for services (issue #15): 100 admin writes of mixed kinds through gateway A (service
 * create, service update, activity sync adding an activity, activity sync pruning it; 25 of each), each timed from
 * A's answer (committed) until gateway B serves the new state, polling B without pause. B's safety-net poll is an
 * hour, so only LISTEN/NOTIFY carries the changes. Measures; asserts only that every change arrived (within 5 s).
 * Run with:
 * {@code mvn -B verify -pl integration-tests -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.excludedGroups=none -Dit.test=ServicePropagationBenchmarkIT}
 */
@Tag("benchmark")
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class ServicePropagationBenchmarkIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROUNDS = 25;
  private static final long DEADLINE_NANOS = 5_000_000_000L;

  @Test
  void hundredMixedChangesFromAReachB(KeycloakServer keycloak, PostgresServer postgres) throws Exception {
    RealmTokens realm = new RealmTokens(keycloak);
    String dave = realm.accessToken("dave");
    String erin = realm.accessToken("erin");
    String run = UUID.randomUUID().toString().substring(0, 6);
    Map<String, List<Long>> byKind = new LinkedHashMap<>();
    List<Long> all = new ArrayList<>();

    try (GatewayUnderTest a = GatewayUnderTest.start(realm.issuer(), postgres, c -> { }, true);
         GatewayUnderTest b = GatewayUnderTest.start(realm.issuer(), postgres,
             c -> c.getJsonObject("activities").put("pollIntervalSeconds", 3600), true);
         RecordingUpstream upstream = RecordingUpstream.start()) {
      // One activity outside any service allows GET /pb<run>-<anything>/hello, so B's answer shows the routing.
      HttpResponse<String> hello = a.send("POST", "/gatehouse/admin/activities", dave, "{\"method\":\"GET\","
          + "\"urlRegex\":\"/pb" + run + "-[^/]+/hello\",\"permissions\":[\"view-skills\"]}");
      assertThat(hello.statusCode()).as(hello.body()).isEqualTo(201);

      for (int round = 0; round < ROUNDS; round++) {
        String name = "pb" + run + "-" + round;
        String prefix = "/" + name;
        String moved = prefix + "-moved";

        HttpResponse<String> created = a.send("POST", "/gatehouse/admin/services", dave, "{\"name\":\"" + name
            + "\",\"routePrefix\":\"" + prefix + "\",\"upstreams\":[\"" + upstream.baseUrl() + "\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        measure(byKind, all, "service create", () -> b.get(prefix + "/hello", erin).statusCode(), s -> s == 200);

        String etag = created.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> updated = a.send("PUT", "/gatehouse/admin/services/" + name, dave, "{\"routePrefix\":\""
            + moved + "\",\"upstreams\":[\"" + upstream.baseUrl() + "\"],\"timeoutMillis\":30000,"
            + "\"description\":\"\"}", Map.of("If-Match", etag));
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        measure(byKind, all, "service update (prefix)", () -> b.get(moved + "/hello", erin).statusCode(),
            s -> s == 200);

        String sync = "/gatehouse/admin/services/" + name + "/activities/sync";
        HttpResponse<String> added = a.send("POST", sync, dave, "{\"activities\":[{\"method\":\"GET\","
            + "\"serviceRegex\":\"/only\",\"description\":\"bench\",\"permissions\":[\"view-skills\"]}]}");
        assertThat(JSON.readTree(added.body()).path("applied").asBoolean()).as(added.body()).isTrue();
        measure(byKind, all, "activity sync (add)", () -> b.get(moved + "/only", erin).statusCode(), s -> s == 200);

        HttpResponse<String> pruned = a.send("POST", sync, dave, "{\"activities\":[],\"prune\":true}");
        assertThat(JSON.readTree(pruned.body()).path("applied").asBoolean()).as(pruned.body()).isTrue();
        measure(byKind, all, "activity sync (prune)", () -> b.get(moved + "/only", erin).statusCode(),
            s -> s == 403);

        // Not timed: leave nothing behind.
        assertThat(a.send("DELETE", "/gatehouse/admin/services/" + name, dave, null).statusCode()).isEqualTo(204);
      }
      a.send("DELETE", "/gatehouse/admin/activities/" + JSON.readTree(hello.body()).path("id").asLong(), dave, null);

      StringBuilder report = new StringBuilder(String.format("Service and activity-sync propagation A -> B over %d"
          + " changes (LISTEN/NOTIFY only): %s%n", all.size(), stats(all)));
      for (Entry<String, List<Long>> kind : byKind.entrySet()) {
        report.append(String.format("  %-24s %s%n", kind.getKey(), stats(kind.getValue())));
      }
      System.out.print(report);
      Files.createDirectories(Path.of("target/benchmarks"));
      Files.writeString(Path.of("target/benchmarks/service-propagation.md"), report);
    }
  }

  private interface Probe {
    int status();
  }

  /** Polls B without pause from now (A has answered: the change is committed) until it shows the new state. */
  private static void measure(Map<String, List<Long>> byKind, List<Long> all, String kind, Probe probe,
      IntPredicate done) {
    long committed = System.nanoTime();
    int status;
    while (!done.test(status = probe.status())) {
      assertThat(System.nanoTime() - committed).as("%s reached B within 5 s (last answer %d)", kind, status)
          .isLessThan(DEADLINE_NANOS);
    }
    long took = System.nanoTime() - committed;
    byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(took);
    all.add(took);
  }

  private static String stats(List<Long> nanos) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    return String.format("median %.1f ms, p90 %.1f ms, max %.1f ms (n=%d)", sorted[sorted.length / 2] / 1e6,
        sorted[sorted.length * 9 / 10] / 1e6, sorted[sorted.length - 1] / 1e6, sorted.length);
  }
}
