package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.admin.StoreActivityRepository;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the gateway logs while PostgreSQL or an upstream is down: one actionable line per interval, no stack trace. */
class FaultLoggingTest {
  private static final String ADMIN_LOGGER = "dev.gatehouse.gateway.admin.AdminJson";
  private static final String PROXY_LOGGER = "dev.gatehouse.gateway.proxy.GatewayProxy";

  private LogCapture log;

  @BeforeEach
  void capture() {
    // Other tests in this JVM may have logged the same conditions within the interval.
    RateLimitedLog.forgetEverywhere();
    log = LogCapture.start();
  }

  @AfterEach
  void release() {
    log.close();
  }

  @Test
  void adminCallsWhilePostgresIsDownLogOneActionableLineWithoutAStackTrace() throws Exception {
    Vertx storeVertx = Vertx.vertx();
    PgConnectOptions nowhere = new PgConnectOptions().setHost("127.0.0.1").setPort(closedPort())
        .setDatabase("gatehouse").setUser("gatehouse").setPassword("unused");
    ActivityStore store = new ActivityStore(ActivityStore.createPool(storeVertx, nowhere, 1));
    try (GatewayHarness gateway = new GatewayHarness(new StoreActivityRepository(store))) {
      for (int i = 0; i < 5; i++) {
        assertThat(gateway.get("/gatehouse/admin/activities", GatewayHarness.ADMIN).statusCode()).isEqualTo(503);
      }
    } finally {
      GatewayHarness.await(storeVertx.close());
    }

    List<String> lines = log.linesFrom(ADMIN_LOGGER);
    assertThat(lines).as("one line for five failed calls").singleElement().asString()
        .contains(" WARN ")
        .contains("GET /gatehouse/admin/activities answered 503")
        .contains("Connection refused")
        .contains("Check that PostgreSQL is up and reachable");
    assertThat(log.stackTraceLines()).as("connection refused is expected: no stack trace").isEmpty();
  }

  @Test
  void aHundredFailingUpstreamRequestsLogOneLineAndThenTheirCount() throws Exception {
    try (GatewayHarness gateway = new GatewayHarness(null)) {
      for (int i = 0; i < 100; i++) {
        assertThat(gateway.get("/down/item/" + i, GatewayHarness.GOOD).statusCode()).isEqualTo(502);
      }
    }
    List<String> during = log.linesFrom(PROXY_LOGGER);
    assertThat(during).singleElement().asString()
        .contains(" WARN ")
        .contains("for /down could not be reached; answered 502")
        .contains("Check that the service is up and listening at http://127.0.0.1:")
        .contains("Connection refused");
    assertThat(log.stackTraceLines()).isEmpty();

    // What the gateway's timer (and its shutdown) does: the repeats are reported as one count.
    RateLimitedLog.flushSuppressedEverywhere();

    List<String> after = log.linesFrom(PROXY_LOGGER);
    assertThat(after).hasSize(2);
    assertThat(after.get(1)).contains("for /down could not be reached").contains("[repeated 99 times in the last");
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
