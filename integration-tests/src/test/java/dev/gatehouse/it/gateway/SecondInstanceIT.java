package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateways on one database: what an admin changes through gateway A is enforced by gateway B. B polls the
 * database only once an hour here, so the change can reach it in time only through LISTEN/NOTIFY.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class SecondInstanceIT {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @Test
  void createUpdateAndDeleteThroughAAreEnforcedByB(KeycloakServer keycloak, PostgresServer postgres) throws Exception {
    RealmTokens realm = new RealmTokens(keycloak);
    String dave = realm.accessToken("dave");
    String erin = realm.accessToken("erin");
    assertThat(RealmTokens.permissions(erin)).contains("view-skills").doesNotContain("manage-activities");
    assertThat(RealmTokens.permissions(dave)).contains("manage-activities");
    String path = "/api/it-" + UUID.randomUUID().toString().substring(0, 8) + "/items";

    try (GatewayUnderTest a = GatewayUnderTest.start(realm.issuer(), postgres, c -> { }, true);
         GatewayUnderTest b = GatewayUnderTest.start(realm.issuer(), postgres,
             c -> c.getJsonObject("activities").put("pollIntervalSeconds", 3600), true)) {
      assertThat(b.get(path, erin).statusCode()).as("no activity yet").isEqualTo(403);

      HttpResponse<String> created = a.send("POST", "/gatehouse/admin/activities", dave,
          "{\"method\":\"GET\",\"urlRegex\":\"" + path + "\",\"description\":\"second instance IT\","
              + "\"permissions\":[\"view-skills\"]}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      long id = new ObjectMapper().readTree(created.body()).path("id").asLong();
      Duration createSeen = Poll.until(DEADLINE, "B allows erin after the create on A",
          () -> b.get(path, erin).statusCode() == 200);

      HttpResponse<String> updated = a.send("PUT", "/gatehouse/admin/activities/" + id, dave,
          "{\"method\":\"GET\",\"urlRegex\":\"" + path + "\",\"description\":\"second instance IT\","
              + "\"permissions\":[\"manage-activities\"]}",
          Map.of("If-Match", created.headers().firstValue("ETag").orElseThrow()));
      assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
      Duration updateSeen = Poll.until(DEADLINE, "B denies erin after the update on A",
          () -> b.get(path, erin).statusCode() == 403);
      assertThat(b.get(path, dave).statusCode()).as("dave holds the newly linked permission").isEqualTo(200);

      HttpResponse<String> deleted = a.send("DELETE", "/gatehouse/admin/activities/" + id, dave, null);
      assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
      Duration deleteSeen = Poll.until(DEADLINE, "B denies dave after the delete on A",
          () -> b.get(path, dave).statusCode() == 403);

      b.upstream.clear();
      assertThat(b.get(path, dave).statusCode()).isEqualTo(403);
      assertThat(b.upstream.received()).isEmpty();
      System.out.printf("[second-instance] propagation A -> B (poll every 10 ms, includes one request round trip):"
          + " create %d ms, update %d ms, delete %d ms%n", createSeen.toMillis(), updateSeen.toMillis(),
          deleteSeen.toMillis());
    }
  }
}
