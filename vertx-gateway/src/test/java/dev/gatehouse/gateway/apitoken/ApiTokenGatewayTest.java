package dev.gatehouse.gateway.apitoken;

import static dev.gatehouse.gateway.apitoken.ApiTokenFormatTest.randomToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.demo.DemoService;
import dev.gatehouse.gateway.GatewayVerticle;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.GatewayRoutes;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.testing.FakePolicy;
import dev.gatehouse.gateway.token.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real gateway server with API tokens on, in front of the demo service, resolving at a stub token endpoint. */
class ApiTokenGatewayTest {
  private final MutableClock clock = new MutableClock(Instant.now());
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final GatewayMetrics metrics = new GatewayMetrics();
  private Vertx vertx;
  private StubTokenEndpoint keycloak;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    keycloak = new StubTokenEndpoint(vertx, () -> clock.instant().getEpochSecond());
    HttpServer demo = await(DemoService.start(vertx, "127.0.0.1", 0));
    GatewayConfig config = GatewayConfig.fromJson(new JsonObject()
        .put("listen", new JsonObject().put("port", 0))
        .put("token", new JsonObject().put("issuer", "http://127.0.0.1:1/realms/test")
            .put("jwksUrl", "http://127.0.0.1:1/jwks").put("audiences", new JsonArray().add("gateway")))
        .put("routes", new JsonArray()
            .add(new JsonObject().put("prefix", "/api").put("upstream", "http://127.0.0.1:" + demo.actualPort()))),
        Map.of());
    FakePolicy policy = new FakePolicy()
        .allow("GET", "/api/v1/echo", "use-carol")
        .allow("POST", "/api/v1/echo", "use-carol");
    ApiTokenResolver resolver = new ApiTokenResolver(WebClient.create(vertx), keycloak.options(),
        new TestAccessTokens(), metrics.apiTokens(), clock);
    GatewayRoutes.Parts parts = new GatewayRoutes.Parts(config.server().publicRoutes(), 
        new CredentialExtractor(config.token().cookieName()), new ApiTokenVerifier(new TestAccessTokens(), resolver),
        policy, metrics, null);
    GatewayVerticle gateway = new GatewayVerticle(config.server(), config.proxy(), parts);
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(15));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String apiToken) throws Exception {
    return send(request(path).header("Authorization", "Bearer " + apiToken));
  }

  private double counter(String name, String... tags) {
    var search = metrics.registry().find(name);
    if (tags.length > 0) {
      search = search.tags(tags);
    }
    return search.counter().count();
  }

  @Test
  void anApiTokenActsAsItsOwnerAndNeverReachesTheUpstream() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);

    HttpResponse<String> response = send(request("/api/v1/echo")
        .header("Authorization", "Bearer " + token)
        .header("Cookie", "theme=dark")
        .POST(HttpRequest.BodyPublishers.ofString("payload " + token.length())));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject echo = new JsonObject(response.body());
    JsonObject headers = echo.getJsonObject("headers");
    assertThat(headers.getJsonArray("x-auth-subject")).containsExactly("carol");
    assertThat(headers.getJsonArray("x-auth-permissions")).containsExactly("use-carol");
    assertThat(headers.containsKey("authorization")).isFalse();
    assertThat(response.body()).doesNotContain(token).doesNotContain("gatehouse_pat_").doesNotContain("at.carol");
  }

  @Test
  void manyRequestsWithOneTokenMakeOneKeycloakCall() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);

    for (int i = 0; i < 20; i++) {
      assertThat(get("/api/v1/echo", token).statusCode()).isEqualTo(200);
    }
    assertThat(keycloak.calls).hasValue(1);
    assertThat(counter("gatehouse_api_token_keycloak_calls")).isEqualTo(1);
    assertThat(counter("gatehouse_api_token_cache_hits")).isEqualTo(19);
    assertThat(counter("gatehouse_api_token_resolutions", "outcome", "resolved")).isEqualTo(1);
  }

  @Test
  void theOwnersPermissionsDecide() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "dave", 300);

    HttpResponse<String> response = get("/api/v1/echo", token);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("forbidden");
  }

  @Test
  void aMalformedApiTokenIsA401InvalidTokenWithoutAKeycloakCall() throws Exception {
    String token = randomToken();
    String badChecksum = token.substring(0, token.length() - 1) + (token.endsWith("0") ? "1" : "0");

    HttpResponse<String> response = get("/api/v1/echo", badChecksum);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).get().asString()
        .startsWith("Bearer error=\"invalid_token\"").contains("malformed");
    assertThat(keycloak.calls).hasValue(0);
    assertThat(counter("gatehouse_api_token_malformed")).isEqualTo(1);
  }

  @Test
  void anUnknownOrRevokedApiTokenIsA401WithKeycloaksReason() throws Exception {
    HttpResponse<String> response = get("/api/v1/echo", randomToken());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("invalid_token");
    assertThat(new JsonObject(response.body()).getString("message")).contains("API token revoked or unknown");
  }

  @Test
  void aFloodOfRandomTokensGets429sAndOnlyTheBurstReachesKeycloak() throws Exception {
    int tooMany = 0;
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> response = get("/api/v1/echo", randomToken());
      if (response.statusCode() == 429) {
        tooMany++;
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
      } else {
        assertThat(response.statusCode()).isEqualTo(401);
      }
    }

    assertThat(keycloak.calls).hasValue(20);
    assertThat(tooMany).isEqualTo(80);
    assertThat(counter("gatehouse_api_token_rate_limited")).isEqualTo(80);
  }

  @Test
  void keycloakDownIsA503FailClosed() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);
    keycloak.mode(StubTokenEndpoint.Mode.SERVER_ERROR);

    HttpResponse<String> response = get("/api/v1/echo", token);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
    keycloak.mode(StubTokenEndpoint.Mode.NORMAL);
    clock.advance(ApiTokenOptions.UNAVAILABLE_CACHE);
    assertThat(get("/api/v1/echo", token).statusCode()).isEqualTo(200);
  }

  @Test
  void anApiTokenInTheCookieIsRefusedWithoutAKeycloakCall() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);

    HttpResponse<String> response = send(request("/api/v1/echo").header("Cookie", "jwt-token=" + token));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(response.body()).getString("message")).contains("Authorization header");
    assertThat(keycloak.calls).hasValue(0);
  }
}
