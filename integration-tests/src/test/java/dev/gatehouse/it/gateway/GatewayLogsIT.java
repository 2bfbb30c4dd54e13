package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.it.support.GatewayProcess;
import dev.gatehouse.stack.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gateway process's own log, as an operator reads it: what it says when it starts and when it is stopped with
 * SIGTERM. Keycloak and PostgreSQL are left unreachable on purpose: the gateway still listens (failing closed), and
 * says so in single timestamped lines.
 */
class GatewayLogsIT {

  @Test
  void startAndSigtermAreLoggedWithTimesAndWithoutStackTraces() {
    int port = FreePorts.next();
    String nowhere = "http://127.0.0.1:" + FreePorts.next();
    JsonObject config = new JsonObject()
        .put("listen", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("token", new JsonObject().put("issuer", nowhere + "/realms/gatehouse").put("jwksUrl", nowhere + "/certs")
            .put("audiences", new JsonArray().add("gateway")))
        .put("database", new JsonObject().put("host", "127.0.0.1").put("port", FreePorts.next())
            .put("database", "gatehouse").put("user", "gatehouse").put("password", "unused"))
        .put("routes", new JsonArray().add(new JsonObject().put("prefix", "/api").put("upstream", nowhere)))
        .put("shutdownTimeoutMillis", 2_000);
    GatewayProcess gateway = GatewayProcess.start(config, Path.of("target/gateway-logs-it").toAbsolutePath());
    try {
      Poll.until(Duration.ofSeconds(60), "the gateway logs that it listens and that PostgreSQL is unreachable",
          () -> !gateway.isRunning() || gateway.log().contains("listening on 127.0.0.1:" + port)
              && gateway.log().contains("Cannot prepare the activity policy"));
    } finally {
      gateway.close(); // SIGTERM, then waits for the exit
    }
    List<String> lines = gateway.log().lines().toList();

    assertThat(gateway.isRunning()).isFalse();
    assertThat(lines).as("the version comes from the jar's manifest")
        .anyMatch(l -> l.contains(" INFO dev.gatehouse.gateway.GatewayMain - Starting Gatehouse gateway ")
            && !l.contains("development build"));
    assertThat(lines).anyMatch(l -> l.contains(" INFO dev.gatehouse.gateway.Gateway - Gatehouse gateway ")
        && l.contains(" listening on 127.0.0.1:" + port + " (") && l.contains("1 route(s)")
        && !l.contains("development build"));
    assertThat(lines).as("the stop, from signal to finish").anyMatch(l -> l.contains("Stop signal received"))
        .anyMatch(l -> l.contains("Gateway stopped in"));
    assertThat(lines).as("Keycloak and PostgreSQL down: one line each, what to check, no stack trace")
        .anyMatch(l -> l.contains("Could not load signing keys") && l.contains("check that Keycloak is up"))
        .anyMatch(l -> l.contains("Cannot prepare the activity policy from PostgreSQL"))
        .noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by: "));
    assertThat(lines).as("every line has a time: %s", lines)
        .allMatch(l -> l.matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) .*"));
  }
}
