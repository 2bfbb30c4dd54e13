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
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Activity-change propagation between two gateways sharing one database: 100 permission links and unlinks made
 * through gateway A's admin API, each timed from A's answer (the change is committed by then) until gateway B
 * enforces it. B's safety-net poll is set to an hour, so only LISTEN/NOTIFY can carry the change. Measures; asserts
 * only that every change arrived. Run with:
 * {@code mvn -B verify -pl integration-tests -am -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.excludedGroups=none -Dit.test=PropagationBenchmarkIT}
 */
@Tag("benchmark")
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class PropagationBenchmarkIT {
  private static final int CHANGES = 100;
  private static final long DEADLINE_NANOS = 5_000_000_000L;

  @Test
  void hundredChangesFromAReachB(KeycloakServer keycloak, PostgresServer postgres) throws Exception {
    RealmTokens realm = new RealmTokens(keycloak);
    String dave = realm.accessToken("dave");
    String erin = realm.accessToken("erin");
    String path = "/api/bench-" + UUID.randomUUID().toString().substring(0, 8);

    try (GatewayUnderTest a = GatewayUnderTest.start(realm.issuer(), postgres, c -> { }, true);
         GatewayUnderTest b = GatewayUnderTest.start(realm.issuer(), postgres,
             c -> c.getJsonObject("activities").put("pollIntervalSeconds", 3600), true)) {
      HttpResponse<String> created = a.send("POST", "/gatehouse/admin/activities", dave,
          "{\"method\":\"GET\",\"urlRegex\":\"" + path + "\",\"permissions\":[\"manage-activities\"]}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      long id = new ObjectMapper().readTree(created.body()).path("id").asLong();
      String link = "/gatehouse/admin/activities/" + id + "/permissions/view-skills";

      long[] nanos = new long[CHANGES];
      for (int change = 0; change < CHANGES; change++) {
        boolean linking = change % 2 == 0;
        HttpResponse<String> answer = a.send(linking ? "PUT" : "DELETE", link, dave, null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        long committed = System.nanoTime();
        int expected = linking ? 200 : 403;
        while (b.get(path, erin).statusCode() != expected) {
          assertThat(System.nanoTime() - committed).as("change %d reached B within 5 s", change)
              .isLessThan(DEADLINE_NANOS);
        }
        nanos[change] = System.nanoTime() - committed;
      }

      Arrays.sort(nanos);
      String report = String.format("Activity change propagation A -> B over %d changes (LISTEN/NOTIFY only): "
              + "median %.1f ms, p90 %.1f ms, max %.1f ms (each includes at least one request to B).%n",
          CHANGES, nanos[CHANGES / 2] / 1e6, nanos[CHANGES * 9 / 10] / 1e6, nanos[CHANGES - 1] / 1e6);
      System.out.print(report);
      Files.createDirectories(Path.of("target/benchmarks"));
      Files.writeString(Path.of("target/benchmarks/propagation.md"), report);
    }
  }
}
