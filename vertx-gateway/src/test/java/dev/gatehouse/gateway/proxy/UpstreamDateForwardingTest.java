package dev.gatehouse.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.GatewayVerticle;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.GatewayRoutes;
import dev.gatehouse.gateway.http.RequestTarget;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.testing.FakePolicy;
import dev.gatehouse.gateway.testing.FakeVerifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The upstream's Date reaches the client as the proxy library always wrote it, also when it repeats. */
class UpstreamDateForwardingTest {
  private static final Vertx VERTX = Vertx.vertx();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    // The upstream answers with whatever Date the test asks for (none when not asked).
    HttpServer upstream = await(VERTX.createHttpServer().requestHandler(request -> {
      String date = request.getHeader("X-Test-Date");
      if (date != null) {
        request.response().putHeader("Date", date);
      }
      request.response().end("ok");
    }).listen(0, "127.0.0.1"));
    JsonObject json = new JsonObject()
        .put("listen", new JsonObject().put("port", 0))
        .put("token", new JsonObject().put("issuer", "http://127.0.0.1:1/realms/test")
            .put("jwksUrl", "http://127.0.0.1:1/jwks").put("audiences", new JsonArray().add("gatehouse")))
        .put("publicRoutes", new JsonArray().add("/up/date"))
        .put("routes", new JsonArray()
            .add(new JsonObject().put("prefix", "/up").put("upstream", "http://127.0.0.1:" + upstream.actualPort())));
    GatewayConfig config = GatewayConfig.fromJson(json, Map.of());
    GatewayRoutes.Parts parts = new GatewayRoutes.Parts(config.server().publicRoutes(), 
        new CredentialExtractor(config.token().cookieName()), new FakeVerifier(), new FakePolicy(), new GatewayMetrics(),
        null);
    GatewayVerticle gateway = new GatewayVerticle(config.server(), config.proxy(), parts);
    await(VERTX.deployVerticle(gateway));
    port = gateway.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    await(VERTX.close());
  }

  @Test
  void theUpstreamDateIsForwardedByteForByteAlsoWhenItRepeats() throws Exception {
    // IMF-fixdate keeps its two-digit day (vertx-http-proxy, used before, re-formatted it as "Sun, 6 Nov").
    String date = "Sun, 06 Nov 1994 08:49:37 GMT";
    assertThat(dateThrough(date)).isEqualTo(date);
    assertThat(dateThrough(date)).isEqualTo(date);
    assertThat(dateThrough("Mon, 07 Nov 1994 08:49:38 GMT")).isEqualTo("Mon, 07 Nov 1994 08:49:38 GMT");
    assertThat(dateThrough(date)).isEqualTo(date);
  }

  @Test
  void anUnreadableOrMissingDateBecomesTheCurrentTime() throws Exception {
    for (String sent : new String[] {"yesterday", null, "yesterday"}) {
      String through = dateThrough(sent);
      assertThat(through).as("an IMF-fixdate").matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
      Instant stamped = ZonedDateTime.parse(through, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      assertThat(stamped).isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(1, ChronoUnit.MINUTES));
    }
  }

  private static String dateThrough(String upstreamDate) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/up/date"));
    if (upstreamDate != null) {
      request.header("X-Test-Date", upstreamDate);
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().allValues("Date")).hasSize(1);
    return response.headers().firstValue("Date").orElseThrow();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
