package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Keycloak, PostgreSQL and the upstream failing around a running gateway, and Keycloak rotating its keys. */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class GatewayFaultsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void keycloakUnreachableAtStartFailsClosedUntilTheKeysArrive(KeycloakServer keycloak, PostgresServer postgres)
      throws Exception {
    RealmTokens realm = new RealmTokens(keycloak);
    String erin = realm.accessToken("erin");
    int jwksPort = FreePorts.next();
    try (GatewayUnderTest gw = GatewayUnderTest.start(realm.issuer(), postgres, config -> config
        .getJsonObject("token").put("jwksUrl", "http://127.0.0.1:" + jwksPort + "/certs"), false)) {
      assertThat(gw.get("/health/ready", null).statusCode()).isEqualTo(503);
      var refused = gw.get("/api/v1/skills", erin);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(JSON.readTree(refused.body()).path("message").asText()).contains("signing keys");
      assertThat(gw.upstream.received()).isEmpty();

      // Keycloak "comes up" where the gateway looks for it: a relay to the real JWKS.
      HttpServer relay = jwksRelay(jwksPort, realm.issuer() + "/protocol/openid-connect/certs");
      try {
        Duration took = Poll.until(Duration.ofSeconds(60), "the gateway becomes ready once the JWKS answers",
            () -> gw.get("/health/ready", null).statusCode() == 200);
        System.out.println("[faults] ready " + took.toMillis() + " ms after the JWKS became reachable");
        assertThat(gw.get("/api/v1/skills", erin).statusCode()).isEqualTo(200);
        assertThat(gw.upstream.received()).hasSize(1);
      } finally {
        relay.stop(0);
      }
    }
  }

  @Test
  void postgresStoppedAfterStartKeepsTheLastIndexServingAndChangesFlowAgainAfterRestart(KeycloakServer keycloak,
      PostgresServer postgres) {
    RealmTokens realm = new RealmTokens(keycloak);
    String erin = realm.accessToken("erin");
    String dave = realm.accessToken("dave");
    try (GatewayUnderTest gw = GatewayUnderTest.start(realm.issuer(), postgres,
        c -> c.getJsonObject("activities").put("pollIntervalSeconds", 3600), true)) {
      postgres.stop();
      try {
        for (int round = 0; round < 3; round++) {
          gw.upstream.clear();
          assertThat(gw.get("/api/v1/skills", erin).statusCode()).as("allowed while PostgreSQL is down").isEqualTo(200);
          assertThat(gw.get("/api/v1/users", erin).statusCode()).as("denied while PostgreSQL is down").isEqualTo(403);
          assertThat(gw.upstream.received()).hasSize(1);
          assertThat(gw.get("/health/ready", null).statusCode()).as("the last good index keeps it ready")
              .isEqualTo(200);
        }
        var write = gw.send("POST", "/gatehouse/admin/activities", dave,
            "{\"method\":\"GET\",\"urlRegex\":\"/api/it-down/x\",\"permissions\":[\"view-skills\"]}");
        assertThat(write.statusCode()).as("admin writes fail visibly while PostgreSQL is down: " + write.body())
            .isEqualTo(503);
      } finally {
        postgres.restart();
      }
      String path = "/api/it-" + UUID.randomUUID().toString().substring(0, 8) + "/after-restart";
      var created = Poll.until(Duration.ofSeconds(30), "the admin API writes again after the restart",
          () -> gw.send("POST", "/gatehouse/admin/activities", dave, "{\"method\":\"GET\",\"urlRegex\":\"" + path
              + "\",\"permissions\":[\"view-skills\"]}").statusCode() == 201);
      Duration seen = Poll.until(Duration.ofSeconds(30), "the change is enforced (LISTEN re-subscribed)",
          () -> gw.get(path, erin).statusCode() == 200);
      System.out.println("[faults] after the PostgreSQL restart: writes back after " + created.toMillis()
          + " ms, change enforced " + seen.toMillis() + " ms later");
    } finally {
      if (!postgres.isRunning()) {
        postgres.restart();
      }
    }
  }

  @Test
  void anUpstreamThatIsDownGives502Json(KeycloakServer keycloak, PostgresServer postgres) throws Exception {
    RealmTokens realm = new RealmTokens(keycloak);
    String erin = realm.accessToken("erin");
    int nothing = FreePorts.next();
    try (GatewayUnderTest gw = GatewayUnderTest.start(realm.issuer(), postgres, config -> config.getJsonArray("routes")
        .getJsonObject(0).put("upstream", "http://127.0.0.1:" + nothing), true)) {
      long started = System.nanoTime();
      var response = gw.get("/api/v1/skills", erin);
      long millis = (System.nanoTime() - started) / 1_000_000;

      assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
      assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
      assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("bad_gateway");
      System.out.println("[faults] upstream down: 502 after " + millis + " ms");
    }
  }

  @Test
  void aSilentUpstreamGives504JsonAfterTheRouteTimeout(KeycloakServer keycloak, PostgresServer postgres)
      throws Exception {
    RealmTokens realm = new RealmTokens(keycloak);
    String erin = realm.accessToken("erin");
    try (GatewayUnderTest gw = GatewayUnderTest.start(realm.issuer(), postgres, config -> config.getJsonArray("routes")
        .getJsonObject(0).put("timeoutMillis", 1000), true)) {
      var response = gw.get("/api/v1/skills" + RecordingUpstream.SLOW_SUFFIX, erin);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
      assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("gateway_timeout");
      assertThat(gw.upstream.received()).as("the request did reach the slow upstream").hasSize(1);
      assertThat(gw.get("/api/v1/skills", erin).statusCode()).as("fast requests still pass").isEqualTo(200);
    }
  }

  @Test
  void aRotatedSigningKeyIsPickedUpOnItsFirstTokenAndOldTokensStillWork(KeycloakServer keycloak,
      PostgresServer postgres) {
    RealmTokens realm = new RealmTokens(keycloak);
    String oldUsedBefore = realm.accessToken("erin");
    String oldUsedAfter = realm.accessToken("carol");
    String oldKid = kid(oldUsedBefore);
    try (GatewayUnderTest gw = GatewayUnderTest.start(realm.issuer(), postgres)) {
      assertThat(gw.get("/api/v1/skills", oldUsedBefore).statusCode()).isEqualTo(200);
      String realmId = realm.admin().get(RealmTokens.REALM).expect(200).json().path("id").asText();
      String componentId = realm.admin().post(RealmTokens.REALM + "/components", Map.of(
          "name", "it-rotated-" + UUID.randomUUID().toString().substring(0, 8),
          "providerId", "rsa-generated", "providerType", "org.keycloak.keys.KeyProvider", "parentId", realmId,
          "config", Map.of("priority", List.of("10000"), "enabled", List.of("true"), "active", List.of("true"),
              "keySize", List.of("2048"), "algorithm", List.of("RS256"))))
          .createdId();
      try {
        String rotated = realm.accessToken("erin");
        assertThat(kid(rotated)).as("Keycloak signs with the new key").isNotEqualTo(oldKid);

        assertThat(gw.get("/api/v1/skills", rotated).statusCode()).as("new kid: accepted after one refetch")
            .isEqualTo(200);
        assertThat(gw.get("/api/v1/skills", oldUsedAfter).statusCode())
            .as("a token of the old key, first seen after the rotation").isEqualTo(200);
        assertThat(gw.get("/api/v1/skills", oldUsedBefore).statusCode()).isEqualTo(200);
      } finally {
        realm.admin().delete(RealmTokens.REALM + "/components/" + componentId).expect(204);
      }
    }
  }

  private static String kid(String token) {
    try {
      return JSON.readTree(ForgedTokens.header(token)).path("kid").asText();
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Serves GET on any path by fetching {@code target}: Keycloak's JWKS appearing at the gateway's configured URL. */
  private static HttpServer jwksRelay(int port, String target) throws IOException {
    HttpClient client = HttpClient.newHttpClient();
    HttpServer relay = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    relay.createContext("/", exchange -> {
      try {
        HttpResponse<byte[]> upstream = client.send(HttpRequest.newBuilder(URI.create(target)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(upstream.statusCode(), upstream.body().length);
        exchange.getResponseBody().write(upstream.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
      } finally {
        exchange.close();
      }
    });
    relay.start();
    return relay;
  }
}
