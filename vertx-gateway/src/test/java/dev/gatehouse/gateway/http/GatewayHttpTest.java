package dev.gatehouse.gateway.http;

import static dev.gatehouse.gateway.testing.GatewayHarness.GOOD;
import static dev.gatehouse.gateway.testing.GatewayHarness.HUGE;
import static dev.gatehouse.gateway.testing.GatewayHarness.READER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.RawHttp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GatewayHttpTest {
  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new GatewayHarness(null);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }

  private static JsonArray received(JsonObject echo, String header) {
    return echo.getJsonObject("headers").getJsonArray(header);
  }

  @Test
  void spoofedIdentityHeadersAreRemovedInAnyCaseAndCountThenSetFromTheToken() throws Exception {
    HttpResponse<String> response = gateway.send(gateway.request("/api/v1/echo")
        .header("Authorization", "Bearer " + GOOD)
        .header("X-Auth-Subject", "someone-else")
        .header("x-auth-permissions", "manage-everything")
        .header("X-AUTH-ROLES", "admin")
        .header("X-AUTH-ROLES", "root")
        .header("X-Auth-Anything", "made-up"));
    JsonObject echo = json(response);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(received(echo, "x-auth-subject")).containsExactly("sub-1");
    assertThat(received(echo, "x-auth-username")).containsExactly("sub-1-name");
    assertThat(received(echo, "x-auth-email")).containsExactly("sub-1@example.com");
    assertThat(received(echo, "x-auth-permissions")).containsExactly("edit-feedback,use-everything,view-users");
    assertThat(received(echo, "x-auth-roles")).containsExactly("admin,fellow");
    assertThat(echo.getJsonObject("headers").containsKey("x-auth-anything")).isFalse();
  }

  @Test
  void theGatewayCredentialAndMethodOverridesAreNotForwardedButOtherCookiesAre() throws Exception {
    JsonObject viaCookie = json(gateway.send(gateway.request("/api/v1/echo")
        .header("Cookie", "theme=dark; jwt-token=" + GOOD + "; lang=en")
        .header("X-HTTP-Method-Override", "DELETE")
        .header("X-HTTP-Method", "DELETE")
        .header("X-Method-Override", "DELETE")
        .header("X-Forwarded-For", "203.0.113.9")
        .header("X-Forwarded-Host", "evil.example")));
    JsonObject viaBearer = json(gateway.get("/api/v1/echo", GOOD));

    assertThat(viaCookie.getString("method")).isEqualTo("GET");
    assertThat(received(viaCookie, "cookie")).containsExactly("theme=dark; lang=en");
    assertThat(viaCookie.getJsonObject("headers").fieldNames())
        .doesNotContain("x-http-method-override", "x-http-method", "x-method-override", "authorization");
    assertThat(received(viaCookie, "x-forwarded-for")).containsExactly("127.0.0.1");
    assertThat(received(viaCookie, "x-forwarded-proto")).containsExactly("http");
    assertThat(received(viaCookie, "x-forwarded-host")).containsExactly("127.0.0.1:" + gateway.port);
    assertThat(received(viaCookie, "host")).containsExactly("127.0.0.1:" + gateway.demoPort);
    assertThat(viaBearer.getJsonObject("headers").containsKey("authorization")).isFalse();
    assertThat(received(viaBearer, "x-auth-subject")).containsExactly("sub-1");
  }

  @Test
  void theUpstreamReceivesTheNormalisedPathAndTheQuery() throws Exception {
    String response = RawHttp.exchange(gateway.port, "GET /api//v1/./x/../echo?q=1&r=%20 HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nAuthorization: Bearer " + GOOD + "\r\nConnection: close\r\n\r\n");

    assertThat(RawHttp.status(response)).isEqualTo(200);
    assertThat(new JsonObject(RawHttp.body(response)).getString("uri")).isEqualTo("/api/v1/echo?q=1&r=%20");
  }

  @Test
  void missingCredentialIsA401WithABareBearerChallenge() throws Exception {
    HttpResponse<String> response = gateway.get("/api/v1/roles", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(json(response).getString("error")).isEqualTo("unauthenticated");
    assertThat(json(response).getString("message")).isNotBlank();
  }

  @Test
  void ambiguousCredentialIsA400InvalidRequest() throws Exception {
    HttpResponse<String> response = gateway.send(gateway.request("/api/v1/roles")
        .header("Authorization", "Bearer " + GOOD).header("Authorization", "Bearer " + READER));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_request\"");
    assertThat(json(response).getString("error")).isEqualTo("invalid_request");
  }

  @Test
  void rejectedTokenIsA401InvalidTokenWithADescription() throws Exception {
    HttpResponse<String> response = gateway.get("/api/v1/roles", "forged");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer error=\"invalid_token\", error_description=\"The token's signature does not verify.\"");
    assertThat(json(response).getString("error")).isEqualTo("invalid_token");
    assertThat(gateway.metrics.scrape()).contains("gatehouse_token_failures_total{reason=\"bad_signature\"}");
  }

  @Test
  void validTokenWithoutAnAllowingActivityIsA403NamingMethodAndPath() throws Exception {
    HttpResponse<String> response = gateway.get("/api/v1/users/2", READER);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(json(response).getString("error")).isEqualTo("forbidden");
    assertThat(json(response).getString("method")).isEqualTo("GET");
    assertThat(json(response).getString("path")).isEqualTo("/api/v1/users/2");
    assertThat(response.body()).doesNotContain("Exception", "at dev.");
  }

  @Test
  void allowedRequestsReachTheServiceWhichShowsAuthorizedFields() throws Exception {
    HttpResponse<String> roles = gateway.get("/api/v1/roles", READER);
    HttpResponse<String> user = gateway.get("/api/v1/users/1", GOOD);

    assertThat(roles.statusCode()).isEqualTo(200);
    assertThat(json(roles).getJsonObject("identity").getString("x-auth-subject")).isEqualTo("sub-2");
    assertThat(user.statusCode()).isEqualTo(200);
    assertThat(json(user).getString("name")).isEqualTo("Ada Lovelace");
    assertThat(json(user).containsKey("email")).isFalse();
  }

  @Test
  void aLargePostBodyPassesThroughWhole() throws Exception {
    byte[] body = new byte[200 * 1024];
    HttpResponse<String> response = gateway.send(gateway.request("/api/v1/echo")
        .header("Authorization", "Bearer " + GOOD)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).getInteger("bodyLength")).isEqualTo(body.length);
    assertThat(json(response).getString("method")).isEqualTo("POST");
  }

  @Test
  void aWebSocketPassesThroughWithTheCookieCredential() throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket socket = gateway.http.newWebSocketBuilder()
        .header("Cookie", "jwt-token=" + GOOD)
        // Browsers always send Origin on a handshake; a cookie handshake without one is refused (CrossSiteRequestTest).
        .header("Origin", "http://127.0.0.1:" + gateway.port)
        .buildAsync(gateway.uri("/api/v1/ws").resolve("ws://127.0.0.1:" + gateway.port + "/api/v1/ws"),
            new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                reply.complete(data.toString());
                return null;
              }
            })
        .get(15, TimeUnit.SECONDS);
    socket.sendText("through the gateway", true);

    assertThat(reply.get(15, TimeUnit.SECONDS)).isEqualTo("through the gateway");
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(15, TimeUnit.SECONDS);
  }

  @Test
  void anUnauthenticatedWebSocketUpgradeIsRefused() throws Exception {
    String response = RawHttp.exchange(gateway.port, "GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");

    assertThat(RawHttp.status(response)).isEqualTo(401);
  }

  @Test
  void aRefusedUpstreamIsA502AndASilentOneA504() throws Exception {
    HttpResponse<String> down = gateway.get("/down/anything", GOOD);
    HttpResponse<String> slow = gateway.get("/slow/anything", GOOD);

    assertThat(down.statusCode()).isEqualTo(502);
    assertThat(json(down).getString("error")).isEqualTo("bad_gateway");
    assertThat(down.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(slow.statusCode()).isEqualTo(504);
    assertThat(json(slow).getString("error")).isEqualTo("gateway_timeout");
    assertThat(gateway.metrics.scrape()).contains("gatehouse_upstream_latency_seconds_count{outcome=\"timeout\",route=\"/slow\"}");
  }

  @Test
  void anAllowedPathOutsideEveryRouteIsA404() throws Exception {
    HttpResponse<String> response = gateway.get("/nowhere/at/all", GOOD);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).getString("error")).isEqualTo("not_found");
  }

  @Test
  void anIdentityOverTheConfiguredBoundIsNotForwarded() throws Exception {
    HttpResponse<String> response = gateway.get("/api/v1/echo", HUGE);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(json(response).getString("error")).isEqualTo("identity_too_large");
  }

  @Test
  void targetsTheParserRefusesAreA400() throws Exception {
    HttpResponse<String> response = gateway.get("/api/v1/roles%2F..%2Fusers", GOOD);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).getString("error")).isEqualTo("bad_request");
  }

  @Test
  void unknownLowerCaseAndTunnellingMethodsAreRefused() throws Exception {
    String lower = RawHttp.exchange(gateway.port, "get /api/v1/roles HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    String unknown = RawHttp.exchange(gateway.port, "BREW /api/v1/roles HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    String trace = RawHttp.exchange(gateway.port, "TRACE /api/v1/roles HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

    assertThat(RawHttp.status(lower)).isEqualTo(501);
    assertThat(RawHttp.status(unknown)).isEqualTo(501);
    assertThat(RawHttp.status(trace)).isEqualTo(405);
    assertThat(trace).containsIgnoringCase("allow: GET, HEAD");
  }

  @Test
  void aMissingOrRepeatedHostIsA400() throws Exception {
    String missing = RawHttp.exchange(gateway.port, "GET /api/v1/roles HTTP/1.1\r\n\r\n");
    String twice = RawHttp.exchange(gateway.port,
        "GET /api/v1/roles HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n");

    assertThat(RawHttp.status(missing)).isEqualTo(400);
    assertThat(RawHttp.status(twice)).isEqualTo(400);
    assertThat(new JsonObject(RawHttp.body(twice)).getString("message")).contains("Host");
  }

  @Test
  void healthIsPublicAndReadinessFollowsKeysAndActivities() throws Exception {
    assertThat(gateway.get("/health/live", null).statusCode()).isEqualTo(200);
    assertThat(gateway.get("/health/ready", null).statusCode()).isEqualTo(200);

    gateway.policy.loaded(false);
    HttpResponse<String> notReady = gateway.get("/health/ready", null);
    HttpResponse<String> protectedRoute = gateway.get("/api/v1/roles", READER);
    gateway.policy.loaded(true);
    gateway.verifier.ready(false);
    HttpResponse<String> noKeys = gateway.get("/health/ready", null);
    HttpResponse<String> noKeysRoute = gateway.get("/api/v1/roles", READER);
    gateway.verifier.ready(true);

    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(json(notReady).getJsonObject("checks").getString("activityIndex")).startsWith("DOWN");
    assertThat(protectedRoute.statusCode()).isEqualTo(503);
    assertThat(json(protectedRoute).getString("error")).isEqualTo("unavailable");
    assertThat(noKeys.statusCode()).isEqualTo(503);
    assertThat(json(noKeys).getJsonObject("checks").getString("signingKeys")).startsWith("DOWN");
    assertThat(noKeysRoute.statusCode()).isEqualTo(503);
    assertThat(gateway.get("/health/ready", null).statusCode()).isEqualTo(200);
  }

  @Test
  void metricsArePublicAndListTheDecisionCounters() throws Exception {
    gateway.get("/api/v1/roles", READER);
    HttpResponse<String> metrics = gateway.get("/metrics", null);

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("gatehouse_decisions_total{outcome=\"allowed\"}")
        .contains("gatehouse_decisions_total{outcome=\"denied\"}")
        .contains("gatehouse_decisions_total{outcome=\"unauthenticated\"}")
        .contains("gatehouse_decisions_total{outcome=\"bad_request\"}")
        .contains("gatehouse_decisions_total{outcome=\"unavailable\"}");
  }

  @Test
  void anEarlyRefusalOfABodyClosesTheConnectionInsteadOfHanging() throws Exception {
    String body = "x".repeat(100_000);
    String response = RawHttp.exchange(gateway.port, "POST /api/v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body);

    assertThat(RawHttp.status(response)).isEqualTo(401);
    assertThat(response.toLowerCase()).contains("connection: close");
  }

  @Test
  void aRefusalWithoutABodyKeepsTheConnection() throws Exception {
    String response = RawHttp.exchange(gateway.port, "GET /api/v1/roles HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

    assertThat(RawHttp.status(response)).isEqualTo(401);
    assertThat(response.toLowerCase()).doesNotContain("connection: close");
  }

  @Test
  void ambiguousBodyFramingIsA400() throws Exception {
    String odd = RawHttp.exchange(gateway.port, "POST /api/v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer " + GOOD + "\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n");
    String twoLengths = RawHttp.exchange(gateway.port, "POST /api/v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer " + GOOD + "\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab");

    assertThat(RawHttp.status(odd)).isEqualTo(400);
    assertThat(RawHttp.status(twoLengths)).isEqualTo(400);
  }

  @Test
  void cleartextHttp2UpgradeIsDeclinedAndHttp11Used() throws Exception {
    // The JDK client offers "Upgrade: h2c" on its first request over http.
    HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
        .send(gateway.request("/health/live").build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
  }
}
