package dev.gatehouse.it.apitoken;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.apitoken.ApiTokenFormat;
import dev.gatehouse.it.gateway.RecordingUpstream;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.gateway.LocalGateway;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-user API tokens end to end: real Keycloak (our providers: the API-token grant and the user endpoints), a real
 * gateway resolving through a counting relay in front of Keycloak, and a recording upstream. The gateway's
 * resolution cache is set to {@value #CACHE_SECONDS} s here so that revocation and role changes show quickly; the
 * documented 50 s default is asserted by the gateway's unit tests.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class ApiTokenGatewayIT {
  private static final String REALM = "gatehouse";
  private static final int CACHE_SECONDS = 2;
  /** The gateway's default miss limiter: burst 20, then 5 per second. */
  private static final int BURST = 20;
  private static final int PER_SECOND = 5;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final SecureRandom RANDOM = new SecureRandom();

  private static KeycloakServer keycloak;
  private static PostgresServer postgres;
  private static ApiTokenClient tokens;
  private static CountingRelay relay;
  private static RecordingUpstream upstream;
  private static LocalGateway gateway;

  @BeforeAll
  static void start(KeycloakServer server, PostgresServer database) {
    keycloak = server;
    postgres = database;
    tokens = new ApiTokenClient(keycloak);
    relay = CountingRelay.start(keycloak.baseUrl());
    upstream = RecordingUpstream.start();
    gateway = startGateway();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {gateway, upstream, relay}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        System.err.println("Cleanup failed: " + e);
      }
    }
  }

  private static LocalGateway startGateway() {
    JsonObject config = LocalGateway.localConfig(keycloak.issuer(REALM), postgres, upstream.baseUrl(),
        FreePorts.next(), StackLayout.locate().realmConfigDir().resolve("activities.json"));
    config.getJsonObject("apiTokens")
        .put("tokenEndpoint", relay.baseUrl() + "/realms/" + REALM + "/protocol/openid-connect/token")
        .put("maxCacheSeconds", CACHE_SECONDS)
        .put("refusalCacheSeconds", 1);
    LocalGateway started = LocalGateway.start(config);
    try {
      started.awaitReady(Duration.ofSeconds(60));
      return started;
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
  }

  @Test
  void anApiTokenActsAsItsOwnerWithTheOwnersPermissionsAndNeverReachesTheUpstream() throws Exception {
    ApiToken token = createToken(tokens.userId(REALM, "carol"));
    upstream.clear();

    HttpResponse<String> allowed = send(gateway, "GET", "/api/v1/users", token.secret());
    HttpResponse<String> denied = send(gateway, "POST", "/api/v1/users", token.secret());

    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
    assertThat(denied.statusCode()).as("carol (talent-manager) lacks manage-users").isEqualTo(403);
    assertThat(upstream.received()).hasSize(1);
    RecordingUpstream.Received received = upstream.received().get(0);
    assertThat(received.header("X-Auth-Subject")).isEqualTo(tokens.userId(REALM, "carol"));
    assertThat(received.header("X-Auth-Username")).isEqualTo("carol");
    assertThat(received.header("X-Auth-Permissions")).contains("view-users").doesNotContain("manage-users");
    assertThat(received.header("X-Auth-Api-Token-Id")).as("the service can tell an API-token call")
        .isEqualTo(token.id());
    assertThat(received.header("Authorization")).isNull();
    assertThat(received.headers().toString()).doesNotContain(ApiTokenFormat.PREFIX).doesNotContain(token.secret());
  }

  @Test
  void manyRequestsWithOneTokenCostOneResolutionPerCacheWindow() throws Exception {
    ApiToken token = createToken(tokens.userId(REALM, "carol"));
    int before = relay.tokenEndpointCalls();

    for (int i = 0; i < 30; i++) {
      assertThat(send(gateway, "GET", "/api/v1/users", token.secret()).statusCode()).isEqualTo(200);
    }

    // 30 quick requests span at most a few cache windows of CACHE_SECONDS; without the cache it would be 30.
    assertThat(relay.tokenEndpointCalls() - before).isBetween(1, 5);
  }

  @Test
  void aRevokedTokenIsRefusedOnceTheCachedResolutionRunsOut() throws Exception {
    String carol = tokens.userId(REALM, "carol");
    ApiToken token = createToken(carol);
    assertThat(send(gateway, "GET", "/api/v1/users", token.secret()).statusCode()).isEqualTo(200);

    tokens.revoke(REALM, bearerOf(carol), token.id()).expect(204);

    HttpResponse<String> refused = pollUntil(gateway, "GET", "/api/v1/users", token.secret(), status -> status == 401,
        Duration.ofSeconds(CACHE_SECONDS + 10));
    assertThat(refused.headers().firstValue("WWW-Authenticate")).get().asString().contains("invalid_token");
    assertThat(send(gateway, "GET", "/api/v1/users", token.secret()).statusCode()).isEqualTo(401);
  }

  @Test
  void aRoleChangeOfTheOwnerShowsAtTheNextResolution() throws Exception {
    String userId = tokens.createUser("apitoken", REALM);
    ApiToken token = createToken(userId);
    assertThat(send(gateway, "GET", "/api/v1/users", token.secret()).statusCode())
        .as("a new user has only the default role (fellow): no view-users").isEqualTo(403);

    tokens.grantRealmRole(REALM, userId, "talent-manager");

    pollUntil(gateway, "GET", "/api/v1/users", token.secret(), status -> status == 200,
        Duration.ofSeconds(CACHE_SECONDS + 10));
  }

  @Test
  void aMalformedTokenIsRefusedWithoutAKeycloakCall() throws Exception {
    String good = randomWellFormedToken();
    String badChecksum = good.substring(0, good.length() - 1) + (good.endsWith("0") ? "1" : "0");
    int before = relay.tokenEndpointCalls();

    HttpResponse<String> response = send(gateway, "GET", "/api/v1/users", badChecksum);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(relay.tokenEndpointCalls()).isEqualTo(before);
  }

  @Test
  void aFloodOfRandomWellFormedTokensCausesOnlyABoundedNumberOfKeycloakCalls() throws Exception {
    // A gateway of its own, so the flood empties no other test's bucket.
    try (LocalGateway flooded = startGateway()) {
      int before = relay.tokenEndpointCalls();
      long started = System.nanoTime();
      int unauthorized = 0;
      int tooMany = 0;
      for (int i = 0; i < 1_000; i++) {
        int status = send(flooded, "GET", "/api/v1/users", randomWellFormedToken()).statusCode();
        if (status == 401) {
          unauthorized++;
        } else if (status == 429) {
          tooMany++;
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      int calls = relay.tokenEndpointCalls() - before;
      System.out.printf("1000 random API tokens in %.1f s: %d Keycloak calls, %d x 401, %d x 429%n", seconds, calls,
          unauthorized, tooMany);

      assertThat(unauthorized + tooMany).as("every random token is refused").isEqualTo(1_000);
      assertThat(calls).as("Keycloak calls: the burst plus the refill over %.1f s", seconds)
          .isEqualTo(unauthorized)
          .isLessThanOrEqualTo(BURST + (int) Math.ceil(seconds * PER_SECOND) + 1);
      assertThat(upstream.received()).noneMatch(r -> r.headers().toString().contains(ApiTokenFormat.PREFIX));
    }
  }

  private record ApiToken(String id, String secret) {}

  /** Creates a token through the user endpoint, authenticated as the user {@code userId} (password = username). */
  private static ApiToken createToken(String userId) {
    JsonNode created = tokens.createToken(REALM, bearerOf(userId), "it-" + UUID.randomUUID());
    assertThat(ApiTokenFormat.isWellFormed(created.path("token").asText()))
        .as("Keycloak's token follows the contract's format").isTrue();
    return new ApiToken(created.path("id").asText(), created.path("token").asText());
  }

  private static String bearerOf(String userId) {
    return tokens.userAccessToken(REALM, ApiTokenClient.TEST_CLIENT, userId);
  }

  private static String randomWellFormedToken() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder payload = new StringBuilder();
    for (int i = 0; i < 48; i++) {
      payload.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return ApiTokenFormat.withChecksum(payload.toString());
  }

  private static HttpResponse<String> send(LocalGateway target, String method, String path, String bearer)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString("{}"));
    if (!method.equals("GET")) {
      request.header("Content-Type", "application/json");
    }
    request.header("Authorization", "Bearer " + bearer);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Repeats the request until its status satisfies {@code done}; fails after {@code within}. */
  private static HttpResponse<String> pollUntil(LocalGateway target, String method, String path, String bearer,
      IntPredicate done, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      HttpResponse<String> response = send(target, method, path, bearer);
      if (done.test(response.statusCode())) {
        return response;
      }
      assertThat(System.nanoTime()).as("still %d after %s: %s", response.statusCode(), within, response.body())
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }
}
