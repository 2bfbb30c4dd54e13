package dev.gatehouse.gateway.connection;

import static dev.gatehouse.gateway.testing.GatewayHarness.GOOD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.RawConnection;
import dev.gatehouse.gateway.testing.ScriptedUpstream;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping the gateway as SIGTERM does ({@code Gateway.close()} undeploys the servers) while keep-alive clients are
 * connected: in-flight requests finish and tell the client to stop reusing the connection, which then closes.
 */
class GracefulDrainTest {
  private ScriptedUpstream upstream;
  private GatewayHarness gateway;

  @BeforeEach
  void start() throws Exception {
    upstream = new ScriptedUpstream();
    gateway = GatewayHarness.withConfig(json -> json.getJsonArray("routes").add(new JsonObject()
        .put("prefix", "/held").put("upstream", upstream.baseUrl())));
    gateway.policy.allow("GET", "/held/.*", "use-everything");
  }

  @AfterEach
  void stop() throws Exception {
    upstream.releaseHeld();
    gateway.close();
    upstream.close();
  }

  @Test
  void anInFlightResponseCarriesConnectionCloseAndTheConnectionClosesAfterIt() throws Exception {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      connection.send(get("/held/1"));
      ScriptedUpstream.poll("the request reached the upstream", () -> upstream.received().contains("/held/1"));

      Future<Void> stopped = gateway.stopGateway();
      ScriptedUpstream.poll("the gateway stopped accepting connections", () -> !accepts(gateway.port));
      upstream.releaseHeld();

      var responses = connection.readUntilClosed();
      assertThat(responses).hasSize(1);
      assertThat(responses.get(0).status()).isEqualTo(200);
      assertThat(responses.get(0).header("Connection")).as("the client must not send another request here")
          .isEqualToIgnoringCase("close");
      GatewayHarness.await(stopped);
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedWhenTheDrainStarts() throws Exception {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      assertThat(connection.send(get("/api/v1/roles")).read().status()).isEqualTo(200);

      GatewayHarness.await(gateway.stopGateway());

      connection.awaitClosedWithoutAnswer();
    }
  }

  /** A request sent before the previous response completed is not processed; the client retries it elsewhere. */
  @Test
  void aRequestPipelinedBehindAnInFlightOneIsNotProcessedDuringTheDrain() throws Exception {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      connection.send(get("/held/first"));
      ScriptedUpstream.poll("the first request reached the upstream", () -> upstream.received().contains("/held/first"));
      Future<Void> stopped = gateway.stopGateway();
      ScriptedUpstream.poll("the gateway stopped accepting connections", () -> !accepts(gateway.port));
      connection.send(get("/held/second"));
      upstream.releaseHeld();

      var responses = connection.readUntilClosed();

      assertThat(responses).hasSize(1);
      assertThat(responses.get(0).header("Connection")).isEqualToIgnoringCase("close");
      assertThat(upstream.received()).containsExactly("/held/first");
      GatewayHarness.await(stopped);
    }
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GOOD + "\r\n\r\n";
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
