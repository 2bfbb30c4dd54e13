package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.it.support.GatewayProcess;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.gateway.LocalGateway;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stored service with two upstreams and a health check, on a gateway process: both serve; one stops (its server
 * closes), the gateway takes it out of the rotation (WARN line, metrics) and every request succeeds on the other; it
 * comes back on the same port and returns to the rotation.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class UpstreamHealthChecksIT {
  private static final Duration CHECKS = Duration.ofSeconds(30);

  @Test
  void aDownUpstreamLeavesTheRotationAndComesBack(KeycloakServer keycloak, PostgresServer postgres) {
    RealmTokens realm = new RealmTokens(keycloak);
    String dave = realm.accessToken("dave");
    String erin = realm.accessToken("erin");
    String name = "health-" + UUID.randomUUID().toString().substring(0, 8);
    String path = "/" + name + "/hello";
    Path seed = StackLayout.locate().realmConfigDir().resolve("activities.json");
    RecordingUpstream first = RecordingUpstream.start();
    RecordingUpstream second = RecordingUpstream.start();
    boolean secondRunning = true;
    GatewayProcess gateway = GatewayProcess.start(LocalGateway.localConfig(realm.issuer(), postgres,
        first.baseUrl(), FreePorts.next(), seed), Path.of("target/upstream-health-checks-it").toAbsolutePath());
    try {
      gateway.awaitReady(Duration.ofSeconds(90));
      String base = gateway.baseUrl();
      HttpResponse<String> created = GatewayUnderTest.send(base, "POST", "/gatehouse/admin/services", dave,
          "{\"name\":\"" + name + "\",\"routePrefix\":\"/" + name + "\",\"upstreams\":[\"" + first.baseUrl()
              + "\",\"" + second.baseUrl() + "\"],\"timeoutMillis\":5000,"
              + "\"healthCheck\":{\"path\":\"/health\",\"intervalMillis\":1000}}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      HttpResponse<String> synced = GatewayUnderTest.send(base, "POST", "/gatehouse/admin/services/" + name
          + "/activities/sync", dave, "{\"activities\":[{\"method\":\"GET\",\"serviceRegex\":\"/hello\","
          + "\"description\":\"greet\",\"permissions\":[\"view-skills\"]}]}");
      assertThat(synced.statusCode()).as(synced.body()).isEqualTo(200);

      // Round robin over both.
      Poll.until(CHECKS, "both upstreams serve " + path, () -> {
        assertThat(get(base, path, erin).statusCode()).isIn(200, 403);
        return served(first, path) > 0 && served(second, path) > 0;
      });
      assertThat(first.received()).as("the health check reaches each upstream")
          .anySatisfy(r -> assertThat(r.uri()).isEqualTo("/health"));

      // The second one goes down: out of the rotation, said in the log and the metrics.
      int port = second.port();
      second.close();
      secondRunning = false;
      String out = "Upstream " + second.baseUrl() + " of service " + name + " is OUT of the rotation";
      Poll.until(CHECKS, "the gateway logs: " + out, () -> gateway.log().contains(out));
      assertThat(metrics(base)).contains("gatehouse_upstreams_out_of_rotation 1.0")
          .contains("gatehouse_upstream_health_changes_total{service=\"" + name + "\",to=\"out\",upstream=\""
              + second.baseUrl() + "\"} 1.0");
      int before = served(first, path);
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> response = get(base, path, erin);
        assertThat(response.statusCode()).as("request %d while one upstream is down: %s", i, response.body())
            .isEqualTo(200);
      }
      assertThat(served(first, path) - before).as("all of them on the healthy upstream").isEqualTo(20);

      // It comes back where it was.
      RecordingUpstream back = RecordingUpstream.start(port);
      try {
        String in = "Upstream " + back.baseUrl() + " of service " + name + " is back in the rotation";
        Poll.until(CHECKS, "the gateway logs: " + in, () -> gateway.log().contains(in));
        assertThat(metrics(base)).contains("gatehouse_upstreams_out_of_rotation 0.0")
            .contains("gatehouse_upstream_health_changes_total{service=\"" + name + "\",to=\"in\",upstream=\""
                + back.baseUrl() + "\"} 1.0");
        Poll.until(CHECKS, "the returned upstream serves " + path, () -> {
          assertThat(get(base, path, erin).statusCode()).isEqualTo(200);
          return served(back, path) > 0;
        });
      } finally {
        back.close();
      }
      System.out.println("Health check transitions as logged:");
      gateway.log().lines().filter(l -> l.contains("of the rotation") || l.contains("back in the rotation"))
          .forEach(System.out::println);

      GatewayUnderTest.send(base, "POST", "/gatehouse/admin/services/" + name + "/activities/sync", dave,
          "{\"activities\":[],\"prune\":true}");
      GatewayUnderTest.send(base, "DELETE", "/gatehouse/admin/services/" + name, dave, (String) null);
    } finally {
      gateway.close();
      first.close();
      if (secondRunning) {
        second.close();
      }
    }
  }

  private static HttpResponse<String> get(String base, String path, String token) {
    return GatewayUnderTest.send(base, "GET", path, token, (String) null);
  }

  private static int served(RecordingUpstream upstream, String path) {
    return (int) upstream.received().stream().filter(r -> r.uri().equals(path)).count();
  }

  private static String metrics(String base) {
    HttpResponse<String> response = get(base, "/metrics", null);
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
