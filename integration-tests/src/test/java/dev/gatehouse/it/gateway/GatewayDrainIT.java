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
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SIGTERM to a gateway process while a keep-alive client waits for an answer: the answer arrives, tells the client
 * not to reuse the connection, and the connection closes; the log has the drain's start and end.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class GatewayDrainIT {
  @Test
  void sigtermLetsTheInFlightRequestFinishWithConnectionClose(KeycloakServer keycloak, PostgresServer postgres) {
    RealmTokens realm = new RealmTokens(keycloak);
    String erin = realm.accessToken("erin");
    try (RecordingUpstream upstream = RecordingUpstream.start()) {
      JsonObject config = LocalGateway.localConfig(realm.issuer(), postgres, upstream.baseUrl(), FreePorts.next(),
          StackLayout.locate().realmConfigDir().resolve("activities.json"))
          // Longer than the slow upstream's answer, so the drain waits for it.
          .put("shutdownTimeoutMillis", 20_000);
      try (GatewayProcess gateway = GatewayProcess.start(config, Path.of("target/gateway-drain").toAbsolutePath())) {
        gateway.awaitReady(Duration.ofSeconds(60));
        String request = "GET /api/v1/skills" + RecordingUpstream.SLOW_SUFFIX + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Authorization: Bearer " + erin + "\r\n\r\n";

        String received = RawHttp.exchangeUntilClosed(gateway.port(), request.getBytes(StandardCharsets.ISO_8859_1),
            () -> {
              Poll.until(Duration.ofSeconds(10), "the request reached the upstream",
                  () -> !upstream.received().isEmpty());
              gateway.handle().destroy(); // SIGTERM, as Docker and Kubernetes send it
            });

        assertThat(received).startsWith("HTTP/1.1 200");
        String head = received.substring(0, received.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
        assertThat(head).as("the keep-alive client is told not to send another request").contains("connection: close");
        assertThat(received.split("HTTP/1\\.1 ", -1)).as("exactly one response").hasSize(2);
        Poll.until(Duration.ofSeconds(30), "the gateway process exits", () -> !gateway.isRunning());
        assertThat(gateway.log()).contains("Draining: stopped accepting connections; ")
            .contains("1 requests in flight").containsPattern("Drain finished in \\d+ ms: 0 requests were cut");
      }
    }
  }
}
