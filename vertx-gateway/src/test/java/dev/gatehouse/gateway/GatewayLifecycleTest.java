package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.testing.FakePolicy;
import dev.gatehouse.gateway.testing.FakeVerifier;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway as GatewayMain runs it: Vert.x metrics in the shared registry, and draining shutdown. */
class GatewayLifecycleTest {
  private final GatewayMetrics metrics = new GatewayMetrics();
  private Vertx vertx;
  private final ConcurrentLinkedQueue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
  private String deploymentId;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = GatewayMain.newVertx(metrics);
    HttpServer upstream = GatewayHarness.await(vertx.createHttpServer().requestHandler(held::add)
        .listen(0, "127.0.0.1"));
    GatewayConfig config = GatewayConfig.fromJson(new JsonObject()
        .put("listen", new JsonObject().put("port", 0))
        .put("token", new JsonObject().put("issuer", "http://127.0.0.1:1/r").put("jwksUrl", "http://127.0.0.1:1/j")
            .put("audiences", new JsonArray().add("gw")))
        .put("routes", new JsonArray().add(new JsonObject().put("prefix", "/held")
            .put("upstream", "http://127.0.0.1:" + upstream.actualPort())))
        .put("upstream", new JsonObject().put("poolSize", 1).put("maxWaitQueue", 0))
        .put("shutdownTimeoutMillis", 15_000), Map.of());
    FakeVerifier verifier = new FakeVerifier().accept("t", new VerifiedToken("s", "u", "e", Set.of("p"), Set.of(),
        "app", 4_000_000_000L));
    GatewayRoutes.Parts parts = new GatewayRoutes.Parts(config.server().publicRoutes(), 
        new CredentialExtractor("jwt-token"), verifier, new FakePolicy().allow("GET", "/held", "p"),
        metrics, null);
    GatewayVerticle verticle = new GatewayVerticle(config.server(), config.proxy(), parts);
    deploymentId = GatewayHarness.await(vertx.deployVerticle(verticle));
    port = verticle.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    GatewayHarness.await(vertx.close());
  }

  @Test
  void vertxOwnPerRequestHttpMetricsAreOffByDefaultAndOnWhenAskedFor() throws Exception {
    HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.scrape()).contains("gatehouse_decisions_total").doesNotContain("vertx_http_server_requests");

    GatewayMetrics asked = new GatewayMetrics();
    Vertx withHttpMetrics = GatewayMain.newVertx(asked, true);
    try {
      HttpServer server = GatewayHarness.await(withHttpMetrics.createHttpServer()
          .requestHandler(request -> request.response().end("ok")).listen(0, "127.0.0.1"));
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort()
          + "/")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(asked.scrape()).contains("vertx_http_server_requests_total");
    } finally {
      GatewayHarness.await(withHttpMetrics.close());
    }
  }

  private CompletableFuture<HttpResponse<String>> sendHeld() throws InterruptedException {
    CompletableFuture<HttpResponse<String>> response = HttpClient.newHttpClient().sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/held"))
            .header("Authorization", "Bearer t").timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (held.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(held).as("the upstream received the request").hasSize(1);
    return response;
  }

  @Test
  void aFullUpstreamPoolWithNoWaitQueueAnswers503AtOnce() throws Exception {
    CompletableFuture<HttpResponse<String>> first = sendHeld();

    HttpResponse<String> second = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/held"))
            .header("Authorization", "Bearer t").timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    held.poll().response().end("first");

    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(second.body()).getString("error")).isEqualTo("unavailable");
    assertThat(first.get(20, TimeUnit.SECONDS).body()).isEqualTo("first");
  }

  @Test
  void stoppingDrainsARequestThatIsInFlight() throws Exception {
    CompletableFuture<HttpResponse<String>> response = sendHeld();

    Future<Void> undeployed = vertx.undeploy(deploymentId);
    assertThat(undeployed.isComplete()).as("undeploy waits for the in-flight request").isFalse();
    HttpServerRequest upstreamRequest = held.poll();
    upstreamRequest.response().end("finished");

    assertThat(response.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(response.get().body()).isEqualTo("finished");
    GatewayHarness.await(undeployed);
  }
}
