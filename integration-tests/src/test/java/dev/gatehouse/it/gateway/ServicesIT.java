package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Services as data across two gateways sharing one PostgreSQL: a service created through gateway A's admin API is
 * routed by gateway B without a restart (B's safety-net poll is an hour: only LISTEN/NOTIFY can carry it), a
 * malformed one is refused and changes nothing, a deleted one stops routing (404), and the sync endpoint plans,
 * applies and is idempotent.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class ServicesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PROPAGATION = Duration.ofSeconds(5);

  @Test
  void aServiceAddedOnAIsServedByBAndStopsWhenDeleted(KeycloakServer keycloak, PostgresServer postgres)
      throws Exception {
    RealmTokens realm = new RealmTokens(keycloak);
    String dave = realm.accessToken("dave");
    String erin = realm.accessToken("erin");
    String name = "svc-" + UUID.randomUUID().toString().substring(0, 8);
    String prefix = "/" + name;

    try (GatewayUnderTest a = GatewayUnderTest.start(realm.issuer(), postgres, c -> { }, true);
         GatewayUnderTest b = GatewayUnderTest.start(realm.issuer(), postgres,
             c -> c.getJsonObject("activities").put("pollIntervalSeconds", 3600), true);
         RecordingUpstream service = RecordingUpstream.start()) {
      // Not routed yet, and nobody may call it: B refuses before routing.
      assertThat(b.get(prefix + "/hello", erin).statusCode()).isEqualTo(403);

      // Malformed: refused with a reason, nothing stored.
      HttpResponse<String> malformed = a.send("POST", "/gatehouse/admin/services", dave,
          "{\"name\":\"" + name + "\",\"routePrefix\":\"" + prefix + "/\",\"upstreams\":[\"" + service.baseUrl()
              + "/path\"]}");
      assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(400);
      assertThat(a.get("/gatehouse/admin/services/" + name, dave).statusCode()).isEqualTo(404);

      // The service and its activities, through the sync endpoint: plan, apply, apply again.
      HttpResponse<String> created = a.send("POST", "/gatehouse/admin/services", dave,
          "{\"name\":\"" + name + "\",\"routePrefix\":\"" + prefix + "\",\"upstreams\":[\"" + service.baseUrl()
              + "\"],\"timeoutMillis\":5000}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String sync = "/gatehouse/admin/services/" + name + "/activities/sync";
      String wanted = "{\"activities\":[{\"method\":\"GET\",\"serviceRegex\":\"/hello\",\"description\":\"greet\","
          + "\"permissions\":[\"view-skills\"]}]";
      JsonNode plan = JSON.readTree(a.send("POST", sync, dave, wanted + ",\"dryRun\":true}").body());
      assertThat(plan.path("added")).hasSize(1);
      assertThat(plan.path("applied").asBoolean()).isFalse();
      JsonNode applied = JSON.readTree(a.send("POST", sync, dave, wanted + "}").body());
      assertThat(applied.path("applied").asBoolean()).isTrue();
      assertThat(applied.path("added").get(0).path("urlRegex").asText()).isEqualTo(prefix + "/hello");
      JsonNode again = JSON.readTree(a.send("POST", sync, dave, wanted + "}").body());
      assertThat(again.path("unchanged")).hasSize(1);
      assertThat(again.path("added")).isEmpty();
      assertThat(again.path("applied").asBoolean()).isFalse();

      Duration took = Poll.until(PROPAGATION, "gateway B routes " + prefix + "/hello to the new service",
          () -> b.get(prefix + "/hello", erin).statusCode() == 200);
      System.out.printf("Service creation + sync reached gateway B in %d ms (LISTEN/NOTIFY only)%n", took.toMillis());
      assertThat(service.received()).anySatisfy(r -> assertThat(r.uri()).isEqualTo(prefix + "/hello"));

      // An activity outside the service keeps the path allowed, so that B's answer shows the routing: 404.
      HttpResponse<String> keep = a.send("POST", "/gatehouse/admin/activities", dave,
          "{\"method\":\"GET\",\"urlRegex\":\"" + prefix + "/kept\",\"permissions\":[\"view-skills\"]}");
      assertThat(keep.statusCode()).as(keep.body()).isEqualTo(201);
      assertThat(a.send("DELETE", "/gatehouse/admin/services/" + name, dave, null).statusCode())
          .as("refused while the service has activities").isEqualTo(409);
      JsonNode pruned = JSON.readTree(a.send("POST", sync, dave, "{\"activities\":[],\"prune\":true}").body());
      assertThat(pruned.path("removed").get(0).path("applied").asBoolean()).isTrue();
      assertThat(a.send("DELETE", "/gatehouse/admin/services/" + name, dave, null).statusCode()).isEqualTo(204);

      Poll.until(PROPAGATION, "gateway B stops routing " + prefix,
          () -> b.get(prefix + "/kept", erin).statusCode() == 404);
      assertThat(b.get(prefix + "/hello", erin).statusCode()).as("its activity went with it").isEqualTo(403);
    }
  }
}
