package dev.gatehouse.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.revocation.TestRevocationGuards;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.token.VerifiedToken;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of decision through a real gateway produces exactly one record with the right fields, and no token
 * ever reaches the output. Each request carries its own X-Request-Id, which the record echoes.
 */
class DecisionRecordsTest {
  /** Tokens the fake verifier accepts; their strings must never appear in a record. */
  static final String API_TOKEN = "gatehouse_pat_secretpart_0123456789abcdefghij";
  static final String SERVICE = "service-account-secret-token";
  static final String REVOKED = "revoked-subject-token";

  static RecordedLines lines;
  static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    lines = new RecordedLines(1024);
    gateway = GatewayHarness.observed(json -> { },
        TestRevocationGuards.refusingSubject("sub-revoked", "user_disabled", Long.MAX_VALUE / 2000),
        new RequestAudit(lines.recorder, 1.0), GatewayTracing.off());
    gateway.verifier
        .accept(API_TOKEN, new VerifiedToken("sub-3", "tool-owner", "o@example.com", Set.of("view-users"), Set.of(),
            "gateway", 4_000_000_000L, "tok-42"))
        .accept(SERVICE, new VerifiedToken("sub-svc", "service-account-reports", null, Set.of("view-roles"),
            Set.of(), "reports", 4_000_000_000L))
        .accept(REVOKED, GatewayHarness.token("sub-revoked", Set.of("use-everything")));
  }

  @AfterEach
  void readyAgain() {
    gateway.policy.loaded(true);
    gateway.verifier.ready(true);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    lines.close();
  }

  private static JsonNode exactlyOne(String requestId) throws Exception {
    lines.awaitRequest(requestId);
    // Records leave in order from the one event loop: once a later refusal is written, all earlier ones are too.
    String sentinel = send(HttpRequest.newBuilder(gateway.uri("/api/v1/users")), null).headers()
        .firstValue("X-Test-Request").orElseThrow();
    lines.awaitRequest(sentinel);
    assertThat(lines.withRequestId(requestId)).as("records for request %s", requestId).hasSize(1);
    JsonNode record = lines.withRequestId(requestId).get(0);
    assertThat(record.path("event").asText()).isEqualTo("gatehouse.decision");
    assertThat(record.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    return record;
  }

  /** Sends with a fresh request id; the response carries it back in X-Test-Request for the caller. */
  private static HttpResponse<String> send(HttpRequest.Builder request, String authorization) throws Exception {
    String requestId = "req-" + UUID.randomUUID();
    request.header("X-Request-Id", requestId);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response = gateway.send(request);
    return new TaggedResponse(response, requestId);
  }

  private static String requestIdOf(HttpResponse<String> response) {
    return response.headers().firstValue("X-Test-Request").orElseThrow();
  }

  @Test
  void allowedRequestsAreRecordedWithActivityPermissionAndUpstream() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(gateway.uri("/api/v1/users?secret=query")),
        "Bearer " + GatewayHarness.GOOD);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode record = exactlyOne(requestIdOf(response));
    assertThat(record.path("decision").asText()).isEqualTo("allowed");
    assertThat(record.path("status").asInt()).isEqualTo(200);
    assertThat(record.path("reason").asText()).isEqualTo("activity");
    assertThat(record.path("subject").asText()).isEqualTo("sub-1");
    assertThat(record.path("username").asText()).isEqualTo("sub-1-name");
    assertThat(record.path("client").asText()).isEqualTo("web-app");
    assertThat(record.path("credential").asText()).isEqualTo("bearer");
    assertThat(record.path("method").asText()).isEqualTo("GET");
    assertThat(record.path("path").asText()).as("canonical path, never the query").isEqualTo("/api/v1/users");
    assertThat(record.path("activity_id").asLong()).isEqualTo(2);
    assertThat(record.path("permission").asText()).isEqualTo("view-users");
    assertThat(record.path("upstream_status").asInt()).isEqualTo(200);
    assertThat(record.path("upstream_ms").asDouble()).isGreaterThanOrEqualTo(0);
    assertThat(record.has("api_token_id")).isFalse();
    assertThat(record.has("shadow")).as("reserved for shadow mode").isFalse();
  }

  @Test
  void aCookieCredentialIsNamedAsSuch() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(gateway.uri("/api/v1/roles"))
        .header("Cookie", "jwt-token=" + GatewayHarness.READER), null);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode record = exactlyOne(requestIdOf(response));
    assertThat(record.path("credential").asText()).isEqualTo("cookie");
    assertThat(record.path("subject").asText()).isEqualTo("sub-2");
  }

  @Test
  void apiTokensAreRecordedByTheirPublicIdOnly() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(gateway.uri("/api/v1/users")), "Bearer " + API_TOKEN);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode record = exactlyOne(requestIdOf(response));
    assertThat(record.path("credential").asText()).isEqualTo("api_token");
    assertThat(record.path("api_token_id").asText()).isEqualTo("tok-42");
    assertThat(record.path("username").asText()).isEqualTo("tool-owner");
  }

  @Test
  void serviceAccountsAreNamedAsSuch() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(gateway.uri("/api/v1/roles")), "Bearer " + SERVICE);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode record = exactlyOne(requestIdOf(response));
    assertThat(record.path("credential").asText()).isEqualTo("service_account");
    assertThat(record.path("client").asText()).isEqualTo("reports");
  }

  @Test
  void eachKindOfUnauthenticatedRequestIsRecordedWithItsReason() throws Exception {
    record Case(String name, HttpRequest.Builder request, String authorization, int status, String reason,
        String credential) {}
    java.util.List<Case> cases = java.util.List.of(
        new Case("no credential", HttpRequest.newBuilder(gateway.uri("/api/v1/users")), null, 401,
            "credential_missing", "none"),
        new Case("Basic", HttpRequest.newBuilder(gateway.uri("/api/v1/users")), "Basic dXNlcjpwYXNzd29yZA==", 401,
            "credential_unsupported_scheme", "none"),
        new Case("two tokens", HttpRequest.newBuilder(gateway.uri("/api/v1/users")), "Bearer forged-one forged-two",
            400, "credential_malformed_authorization", "none"),
        new Case("cookie and header differ", HttpRequest.newBuilder(gateway.uri("/api/v1/users"))
            .header("Cookie", "jwt-token=" + GatewayHarness.READER), "Bearer " + GatewayHarness.GOOD, 400,
            "credential_conflicting_credentials", "none"),
        new Case("forged token", HttpRequest.newBuilder(gateway.uri("/api/v1/users")), "Bearer forged-secret-token",
            401, "token_bad_signature", "bearer"),
        new Case("API token in a cookie", HttpRequest.newBuilder(gateway.uri("/api/v1/users"))
            .header("Cookie", "jwt-token=" + API_TOKEN), null, 401, "api_token_in_cookie", "cookie"),
        new Case("revoked", HttpRequest.newBuilder(gateway.uri("/api/v1/users")), "Bearer " + REVOKED, 401,
            "revoked_user_disabled", "bearer"));
    for (Case c : cases) {
      HttpResponse<String> response = send(c.request(), c.authorization());
      assertThat(response.statusCode()).as(c.name()).isEqualTo(c.status());
      JsonNode record = exactlyOne(requestIdOf(response));
      assertThat(record.path("decision").asText()).as(c.name()).isEqualTo("unauthenticated");
      assertThat(record.path("status").asInt()).as(c.name()).isEqualTo(c.status());
      assertThat(record.path("reason").asText()).as(c.name()).isEqualTo(c.reason());
      assertThat(record.path("credential").asText()).as(c.name()).isEqualTo(c.credential());
      assertThat(record.path("path").asText()).as(c.name()).isEqualTo("/api/v1/users");
      if (!c.reason().startsWith("revoked")) {
        assertThat(record.has("subject")).as("%s: an unverified token names nobody", c.name()).isFalse();
      }
    }
  }

  @Test
  void aDenialNamesWhoWasRefusedWhat() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(gateway.uri("/api/v1/users/u-1")),
        "Bearer " + GatewayHarness.READER);
    assertThat(response.statusCode()).isEqualTo(403);
    JsonNode record = exactlyOne(requestIdOf(response));
    assertThat(record.path("decision").asText()).isEqualTo("denied");
    assertThat(record.path("status").asInt()).isEqualTo(403);
    assertThat(record.path("reason").asText()).isEqualTo("no_activity");
    assertThat(record.path("subject").asText()).isEqualTo("sub-2");
    assertThat(record.path("path").asText()).isEqualTo("/api/v1/users/u-1");
    assertThat(record.has("activity_id")).isFalse();
    assertThat(record.has("upstream_status")).isFalse();
  }

  @Test
  void aCrossSiteCookieRequestIsRecordedAsDenied() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(gateway.uri("/api/v1/roles"))
        .header("Cookie", "jwt-token=" + GatewayHarness.READER).header("Origin", "https://evil.example"), null);

    assertThat(response.statusCode()).isEqualTo(403);
    JsonNode record = exactlyOne(requestIdOf(response));
    assertThat(record.path("decision").asText()).isEqualTo("denied");
    assertThat(record.path("reason").asText()).isEqualTo("cross_site_request");
    assertThat(record.path("path").asText()).isEqualTo("/api/v1/roles");
    assertThat(record.has("subject")).as("refused before any credential was read").isFalse();
  }

  @Test
  void aShadowActivitysWouldBeDecisionIsRecordedBesideTheEnforcedOne() throws Exception {
    gateway.policy.shadow("GET", "/api/v1/users/[^/]+", "view-roles");
    try {
      HttpResponse<String> denied = send(HttpRequest.newBuilder(gateway.uri("/api/v1/users/u-2")),
          "Bearer " + GatewayHarness.READER);
      HttpResponse<String> allowed = send(HttpRequest.newBuilder(gateway.uri("/api/v1/roles")),
          "Bearer " + GatewayHarness.READER);

      assertThat(denied.statusCode()).as("a shadow never changes the answer").isEqualTo(403);
      JsonNode deniedRecord = exactlyOne(requestIdOf(denied));
      assertThat(deniedRecord.path("decision").asText()).isEqualTo("denied");
      assertThat(deniedRecord.path("shadow").asText()).isEqualTo("would_allow");
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(exactlyOne(requestIdOf(allowed)).path("shadow").asText()).isEqualTo("would_allow");
    } finally {
      gateway.policy.clearShadows();
    }
    HttpResponse<String> withoutShadows = send(HttpRequest.newBuilder(gateway.uri("/api/v1/users/u-3")),
        "Bearer " + GatewayHarness.READER);
    assertThat(exactlyOne(requestIdOf(withoutShadows)).has("shadow")).as("no shadow activities, no field").isFalse();
  }

  @Test
  void failingClosedIsRecordedAsUnavailable() throws Exception {
    gateway.policy.loaded(false);
    HttpResponse<String> noIndex = send(HttpRequest.newBuilder(gateway.uri("/api/v1/users")),
        "Bearer " + GatewayHarness.GOOD);
    assertThat(noIndex.statusCode()).isEqualTo(503);
    JsonNode record = exactlyOne(requestIdOf(noIndex));
    assertThat(record.path("decision").asText()).isEqualTo("unavailable");
    assertThat(record.path("reason").asText()).isEqualTo("activities_not_loaded");
    gateway.policy.loaded(true);

    gateway.verifier.ready(false);
    HttpResponse<String> noKeys = send(HttpRequest.newBuilder(gateway.uri("/api/v1/users")),
        "Bearer " + GatewayHarness.GOOD);
    assertThat(noKeys.statusCode()).isEqualTo(503);
    JsonNode keys = exactlyOne(requestIdOf(noKeys));
    assertThat(keys.path("decision").asText()).isEqualTo("unavailable");
    assertThat(keys.path("status").asInt()).isEqualTo(503);
    assertThat(keys.path("reason").asText()).isEqualTo("keys_not_loaded");
  }

  @Test
  void anUpstreamFailureAfterAnAllowIsRecordedWithTheGatewaysAnswer() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(gateway.uri("/down/x")),
        "Bearer " + GatewayHarness.GOOD);
    assertThat(response.statusCode()).isEqualTo(502);
    JsonNode record = exactlyOne(requestIdOf(response));
    assertThat(record.path("decision").asText()).isEqualTo("allowed");
    assertThat(record.path("status").asInt()).isEqualTo(502);
    assertThat(record.has("upstream_status")).as("no upstream answered").isFalse();
    assertThat(record.has("upstream_ms")).isTrue();
  }

  @Test
  void theClientsTraceIdIsKeptWithTracingOff() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    HttpResponse<String> response = send(HttpRequest.newBuilder(gateway.uri("/api/v1/users"))
        .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"), "Bearer " + GatewayHarness.READER);
    JsonNode record = exactlyOne(requestIdOf(response));
    assertThat(record.path("trace_id").asText()).isEqualTo(traceId);
  }

  @Test
  void noTokenEverReachesTheRecords() throws Exception {
    for (String token : new String[] {GatewayHarness.GOOD, GatewayHarness.READER, API_TOKEN, SERVICE, REVOKED,
        "forged-secret-token"}) {
      send(HttpRequest.newBuilder(gateway.uri("/api/v1/users")), "Bearer " + token);
      send(HttpRequest.newBuilder(gateway.uri("/api/v1/roles")).header("Cookie", "jwt-token=" + token), null);
    }
    exactlyOne(requestIdOf(send(HttpRequest.newBuilder(gateway.uri("/api/v1/users")), null)));
    String all = lines.raw();
    assertThat(all).isNotEmpty();
    for (String token : new String[] {GatewayHarness.GOOD, GatewayHarness.READER, API_TOKEN, SERVICE, REVOKED,
        "forged-secret-token", "secretpart", "dXNlcjpwYXNzd29yZA==", "secret=query"}) {
      assertThat(all).as("the raw token %s", token).doesNotContain(token);
    }
  }

  /** A response that also tells which request id was sent. */
  private record TaggedResponse(HttpResponse<String> response, String requestId) implements HttpResponse<String> {
    @Override public int statusCode() { return response.statusCode(); }
    @Override public HttpRequest request() { return response.request(); }
    @Override public java.util.Optional<HttpResponse<String>> previousResponse() { return response.previousResponse(); }
    @Override public java.net.http.HttpHeaders headers() {
      java.util.Map<String, java.util.List<String>> map = new java.util.HashMap<>(response.headers().map());
      map.put("X-Test-Request", java.util.List.of(requestId));
      return java.net.http.HttpHeaders.of(map, (a, b) -> true);
    }
    @Override public String body() { return response.body(); }
    @Override public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return response.sslSession(); }
    @Override public java.net.URI uri() { return response.uri(); }
    @Override public java.net.http.HttpClient.Version version() { return response.version(); }
  }
}
