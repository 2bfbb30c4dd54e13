package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.policy.ActivityDefinition;
import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The start as GatewayMain runs it (Vert.x metrics on, real PostgreSQL): each start line once, no spurious warning. */
class GatewayStartLoggingTest {

  @Test
  void theStartLogsWhereItListensAndEachIndexVersionOnceWithoutADuplicateGaugeWarning() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start(); LogCapture log = LogCapture.start()) {
      int port = freePort();
      GatewayConfig config = GatewayConfig.fromJson(new JsonObject()
          .put("listen", new JsonObject().put("host", "127.0.0.1").put("port", port))
          .put("token", new JsonObject().put("issuer", "http://127.0.0.1:1/realms/test")
              .put("jwksUrl", "http://127.0.0.1:" + freePort() + "/jwks").put("audiences", new JsonArray().add("gw")))
          .put("database", new JsonObject().put("host", "127.0.0.1").put("port", postgres.getPort())
              .put("database", "postgres").put("user", "postgres").put("password", "postgres"))
          .put("routes", new JsonArray().add(new JsonObject().put("prefix", "/api")
              .put("upstream", "http://127.0.0.1:" + freePort())))
          // Changes arrive by NOTIFY only, so each load below has a known cause.
          .put("activities", new JsonObject().put("pollIntervalSeconds", 3600)), Map.of());
      GatewayMetrics metrics = new GatewayMetrics();
      Vertx vertx = GatewayMain.newVertx(metrics);
      Pool writerPool = ActivityStore.createPool(vertx, new PgConnectOptions().setHost("127.0.0.1")
          .setPort(postgres.getPort()).setDatabase("postgres").setUser("postgres").setPassword("postgres"), 1);
      try {
        Gateway gateway = GatewayHarness.await(Gateway.start(vertx, config, metrics));
        assertThat(eventually(() -> indexVersion(metrics) >= 0)).as("the first index loads").isTrue();
        long first = indexVersion(metrics);
        // Requests on fresh connections: Vert.x's metrics register their gauges again for each.
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(live.statusCode()).isEqualTo(200);
        }
        // A change: once its version is loaded, every reload the start queued has run (reloads run one at a time).
        GatewayHarness.await(new ActivityStore(writerPool).create(new ActivityDefinition("GET", "/api/started", "",
            Set.of("view-started"))));
        long second = GatewayHarness.await(new ActivityStore(writerPool).version());
        assertThat(eventually(() -> indexVersion(metrics) == second)).as("the change arrives").isTrue();
        GatewayHarness.await(gateway.close());

        assertThat(log.linesContaining("Gatehouse gateway development build listening on 127.0.0.1:" + port))
            .singleElement().asString().contains(" INFO dev.gatehouse.gateway.Gateway - ").contains("1 route(s)");
        assertThat(log.lines().stream().filter(l -> l.contains("Activity index") && l.contains("loaded")))
            .as("one line per index version").hasSize(2)
            .anyMatch(l -> l.contains("Activity index version " + first + " loaded: 0 activities"))
            .anyMatch(l -> l.contains("Activity index version " + second + " loaded: 1 activities"));
        assertThat(log.linesContaining("has been already registered")).isEmpty();
        // Order-independent: Micrometer warns once per JVM, and another test may have used that warning up.
        assertThat(LoggerFactory.getLogger("io.micrometer.core.instrument.MeterRegistry").isWarnEnabled()).isFalse();
      } finally {
        GatewayHarness.await(vertx.close());
      }
    }
  }

  static boolean eventually(BooleanSupplier condition) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    return condition.getAsBoolean();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The index version the gateway serves, as /metrics shows it. */
  private static long indexVersion(GatewayMetrics metrics) {
    return (long) metrics.registry().find("gatehouse_activity_index_version").gauge().value();
  }
}
