package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.it.support.Jwt;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Forged and misused tokens, path tricks and spoofed headers against a real gateway. Every refused request is checked
 * for its status, a JSON error body, and that the upstream received nothing. Requests are written byte for byte.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestsIT {
  private RealmTokens realm;
  private GatewayUnderTest gw;
  private String dave;
  private String erin;
  private String daveId;
  private String daveRefresh;
  private String fakeGoogle;

  @BeforeAll
  void start(KeycloakServer keycloak, PostgresServer postgres) {
    realm = new RealmTokens(keycloak);
    var daveTokens = realm.passwordGrant(RealmTokens.TEST_CLIENT, "dave");
    dave = daveTokens.path("access_token").asText();
    daveId = daveTokens.path("id_token").asText();
    daveRefresh = daveTokens.path("refresh_token").asText();
    erin = realm.accessToken("erin");
    fakeGoogle = fakeGoogleToken(keycloak);
    gw = GatewayUnderTest.start(realm.issuer(), postgres);
  }

  @AfterAll
  void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  record Case(String name, int status, String[] lines) {}

  @TestFactory
  Stream<DynamicTest> refusedRequestsNeverReachTheUpstream() {
    List<Case> cases = cases();
    System.out.println("[hostile] " + cases.size() + " refused-request cases");
    assertThat(cases.size()).isGreaterThanOrEqualTo(30);
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.name() + " -> " + c.status(), () -> {
      gw.upstream.clear();
      RawHttp.Response response = RawHttp.send(gw.port(), c.lines());
      assertThat(response.status()).as(c.name() + ": " + response.head() + "\n" + response.body()).isEqualTo(c.status());
      assertThat(response.json().path("error").asText()).as("JSON error body").isNotBlank();
      assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
      if (c.status() == 401) {
        assertThat(response.head()).containsIgnoringCase("WWW-Authenticate: Bearer");
      }
      assertThat(gw.upstream.received()).as(c.name() + ": the upstream must receive nothing").isEmpty();
    }));
  }

  private List<Case> cases() {
    ForgedTokens forge = new ForgedTokens();
    ForgedTokens.PublishedKey published = ForgedTokens.publishedKey(realm.issuer());
    ObjectNode davePayload = ForgedTokens.payload(dave);
    String realKid = published.kid();
    ObjectNode promoted = ForgedTokens.payload(erin);
    promoted.putArray("permissions").add("manage-users").add("view-users");

    List<Case> c = new ArrayList<>();
    String users = "/api/v1/users";
    // Tokens and credentials
    c.add(get("no credential at all", 401, users));
    c.add(get("alg none", 401, users, bearer(ForgedTokens.unsigned("{\"alg\":\"none\",\"typ\":\"JWT\"}", davePayload))));
    c.add(get("alg None (mixed case)", 401, users,
        bearer(ForgedTokens.unsigned("{\"alg\":\"None\",\"typ\":\"JWT\",\"kid\":\"" + realKid + "\"}", davePayload))));
    c.add(get("HS256 keyed with the realm's RSA public key (DER)", 401, users, bearer(ForgedTokens.hmacSigned(
        "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + realKid + "\"}", davePayload, published.key().getEncoded()))));
    c.add(get("HS256 keyed with the realm's RSA public key (PEM)", 401, users, bearer(ForgedTokens.hmacSigned(
        "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + realKid + "\"}", davePayload,
        published.pem().getBytes(StandardCharsets.US_ASCII)))));
    c.add(get("unknown kid, attacker's RSA key", 401, users, bearer(forge.attackerSigned(
        "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"it-" + UUID.randomUUID() + "\"}", davePayload))));
    c.add(get("real kid, attacker's RSA key", 401, users, bearer(forge.attackerSigned(
        "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + realKid + "\"}", davePayload))));
    c.add(get("attacker's key embedded as jwk header", 401, users, bearer(forge.attackerSigned(
        "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"jwk\":" + forge.attackerJwk() + "}", davePayload))));
    c.add(get("tampered payload (erin promoted, real signature)", 401, users,
        bearer(ForgedTokens.withPayload(erin, promoted))));
    c.add(get("wrong issuer (fake-google realm)", 401, users, bearer(fakeGoogle)));
    c.add(get("ID token used as access token", 401, users, bearer(daveId)));
    c.add(get("refresh token used as access token", 401, users, bearer(daveRefresh)));
    c.add(get("garbage bearer", 401, users, bearer("abc")));
    c.add(get("two segments", 401, users, bearer(dave.substring(0, dave.lastIndexOf('.')))));
    c.add(get("four segments", 401, users, bearer(dave + ".x")));
    c.add(get("Basic scheme", 401, users, "Authorization: Basic ZGF2ZTpkYXZl"));
    c.add(get("Bearer without token", 400, users, "Authorization: Bearer "));
    c.add(get("two Authorization headers", 400, users, bearer(dave), bearer(dave)));
    c.add(get("cookie and header with different tokens", 400, users, bearer(erin), "Cookie: jwt-token=" + dave));
    c.add(get("two jwt-token cookies with different tokens", 400, users,
        "Cookie: jwt-token=" + dave + "; jwt-token=" + erin));
    // Path tricks: erin holds view-skills, not view-users
    c.add(get("dot-dot resolved before deciding", 403, "/api/v1/skills/../users", bearer(erin)));
    c.add(get("%2e%2e resolved before deciding", 403, "/api/v1/skills/%2e%2e/users", bearer(erin)));
    c.add(get("%2E%2E resolved before deciding", 403, "/api/v1/skills/%2E%2E/users", bearer(erin)));
    c.add(get("%2F inside a segment", 400, "/api/v1/skills/1%2F..%2F..%2Fusers", bearer(erin)));
    c.add(get("%2f lower case inside a segment", 400, "/api/v1/skills/1%2f..%2fusers", bearer(erin)));
    c.add(get("double slash collapsed before deciding", 403, "//api/v1//users", bearer(erin)));
    c.add(get("; path parameter", 400, "/api/v1/users;x=1", bearer(dave)));
    c.add(get("..; segment", 400, "/api/v1/skills/..;/users", bearer(erin)));
    c.add(get("%3B encoded parameter", 400, "/api/v1/skills%3Bx", bearer(erin)));
    c.add(get("case differs from the activity", 403, "/API/V1/SKILLS", bearer(erin)));
    c.add(get("trailing slash is another path", 403, "/api/v1/skills/", bearer(erin)));
    c.add(get("overlong path", 400, "/api/v1/skills/" + "a".repeat(3000), bearer(erin)));
    c.add(get("absolute-form target", 400, "http://127.0.0.1:" + gw.port() + "/api/v1/skills", bearer(erin)));
    c.add(get("absolute-form target to another host", 400, "http://evil.example/api/v1/skills", bearer(erin)));
    c.add(get("encoded NUL", 400, "/api/v1/skills%00", bearer(erin)));
    c.add(get("encoded backslash", 400, "/api/v1/skills/x%5C..%5C..%5Cusers", bearer(erin)));
    c.add(get("raw backslash", 400, "/api/v1/skills\\..\\users", bearer(erin)));
    c.add(get("dot-dot above the root", 400, "/../api/v1/skills", bearer(erin)));
    c.add(get("invalid UTF-8 (overlong dot)", 400, "/api/v1/skills/%C0%AE%C0%AE/users", bearer(erin)));
    c.add(get("fragment in the target", 400, "/api/v1/skills#x", bearer(erin)));
    // The gateway's own target check answers (no Vert.x Web router in front of it since issue #13, which said 404).
    c.add(new Case("asterisk-form target", 400, new String[] {"OPTIONS * HTTP/1.1", host(), bearer(erin)}));
    c.add(new Case("lower-case method", 501, new String[] {"get /api/v1/skills HTTP/1.1", host(), bearer(erin)}));
    c.add(new Case("TRACE", 405, new String[] {"TRACE /api/v1/skills HTTP/1.1", host(), bearer(erin)}));
    c.add(get("two Host headers", 400, "/api/v1/skills", bearer(erin), "Host: evil.example"));
    c.add(new Case("Transfer-Encoding other than chunked", 400, new String[] {"POST /api/v1/feedback HTTP/1.1",
        host(), bearer(erin), "Transfer-Encoding: xchunked"}));
    // Cross-site use of the cookie (erin's cookie would be allowed GET /api/v1/skills from one of our origins)
    String skills = "/api/v1/skills";
    String evil = "Origin: https://evil.example";
    String[] handshake = {"Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="};
    c.add(get("cross-site WebSocket handshake riding the cookie", 403, skills,
        concat(handshake, evil, "Cookie: jwt-token=" + erin)));
    c.add(get("cookie WebSocket handshake without Origin", 403, skills, concat(handshake, "Cookie: jwt-token=" + erin)));
    c.add(get("cross-site read riding the cookie", 403, skills, evil, "Cookie: jwt-token=" + erin));
    c.add(get("Origin null riding the cookie", 403, skills, "Origin: null", "Cookie: jwt-token=" + erin));
    c.add(get("cookie in a second Cookie header, cross-site", 403, skills, evil, "Cookie: theme=dark",
        "Cookie: jwt-token=" + erin));
    c.add(get("Upgrade: websocket, h2c", 400, skills, bearer(erin), "Upgrade: websocket, h2c",
        "Connection: Upgrade, HTTP2-Settings", "HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA"));
    c.add(get("two Origin headers", 400, skills, bearer(erin), "Origin: http://127.0.0.1:" + gw.port(), evil));
    // Framing a front proxy could read differently (request smuggling): refused at the connection, before routing.
    c.add(new Case("Transfer-Encoding together with Content-Length", 400, new String[] {
        "POST /api/v1/feedback HTTP/1.1", host(), bearer(erin), "Transfer-Encoding: chunked", "Content-Length: 4"}));
    c.add(new Case("Transfer-Encoding folded onto a second line (obs-fold)", 400, new String[] {
        "POST /api/v1/feedback HTTP/1.1", host(), bearer(erin), "Transfer-Encoding:", " chunked"}));
    c.add(new Case("whitespace before a header's colon", 400, new String[] {
        "POST /api/v1/feedback HTTP/1.1", host(), bearer(erin), "Transfer-Encoding : chunked"}));
    c.add(new Case("Content-Length with a sign", 400, new String[] {
        "POST /api/v1/feedback HTTP/1.1", host(), bearer(erin), "Content-Length: +0"}));
    c.add(new Case("Content-Length listing two values", 400, new String[] {
        "POST /api/v1/feedback HTTP/1.1", host(), bearer(erin), "Content-Length: 0, 1"}));
    // Spoofed identity headers do not grant anything
    c.add(get("spoofed X-Auth-Permissions with a valid token", 403, users, bearer(erin),
        "X-Auth-Permissions: view-users,admin", "x-auth-permissions: view-users", "X-AUTH-ROLES: admin"));
    c.add(get("spoofed X-Auth-Subject without a token", 401, users, "X-Auth-Subject: " + Jwt.payload(dave).path("sub")
        .asText(), "X-Auth-Permissions: view-users"));
    c.add(get("admin API with spoofed manage-activities", 403, "/gatehouse/admin/activities", bearer(erin),
        "X-Auth-Permissions: manage-activities"));
    c.add(new Case("X-HTTP-Method-Override does not change the decided method", 403, new String[] {
        "DELETE /api/v1/skills/1 HTTP/1.1", host(), bearer(erin), "X-HTTP-Method-Override: GET"}));
    return c;
  }

  /** Netty 4.2.9 reads the size 0x100000011 as 17; a proxy reading it correctly would see one request, not two. */
  @Test
  void anOverflowingChunkSizeIsRefusedAndTheBytesBehindItNeverBecomeARequest() {
    gw.upstream.clear();
    String smuggled = "GET /api/v1/users HTTP/1.1\r\n" + host() + "\r\n" + bearer(dave) + "\r\n\r\n";
    String request = "POST /api/v1/feedback HTTP/1.1\r\n" + host() + "\r\n" + bearer(dave)
        + "\r\nTransfer-Encoding: chunked\r\n\r\n100000011\r\n" + "a".repeat(17) + "\r\n0\r\n\r\n" + smuggled;

    String received = RawHttp.exchangeUntilClosed(gw.port(), request.getBytes(StandardCharsets.ISO_8859_1), () -> { });

    assertThat(received).startsWith("HTTP/1.1 400").contains("\"error\":\"bad_request\"")
        .containsIgnoringCase("connection: close");
    assertThat(received.split("HTTP/1\\.1 ", -1)).as("one answer only: " + received).hasSize(2);
    assertThat(gw.upstream.received()).noneMatch(r -> r.uri().startsWith("/api/v1/users"));
  }

  @Test
  void spoofedIdentityHeadersAreReplacedInAnyCaseAndCount() {
    gw.upstream.clear();
    RawHttp.Response response = RawHttp.send(gw.port(), "GET /api/v1/skills HTTP/1.1", host(), bearer(erin),
        "X-Auth-Permissions: admin,manage-users", "x-auth-permissions: view-users", "X-AUTH-SUBJECT: someone-else",
        "X-Auth-Subject: another", "X-Auth-Email: ceo@example.com", "x-AuTh-CuStOm: injected");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    RecordingUpstream.Received received = single();
    assertThat(received.all("X-Auth-Permissions")).containsExactly(String.join(",", RealmTokens.permissions(erin)));
    assertThat(received.all("X-Auth-Subject")).containsExactly(RealmTokens.subject(erin));
    assertThat(received.all("X-Auth-Email")).doesNotContain("ceo@example.com");
    assertThat(received.headers()).doesNotContainKey("x-auth-custom");
    assertThat(received.all("X-Auth-Permissions").toString()).doesNotContain("admin").doesNotContain("manage-users");
  }

  @Test
  void theTokenCookieIsNotForwardedButOtherCookiesAre() {
    gw.upstream.clear();
    RawHttp.Response response = RawHttp.send(gw.port(), "GET /api/v1/skills HTTP/1.1", host(),
        "Cookie: theme=dark; jwt-token=" + erin + "; lang=en");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    RecordingUpstream.Received received = single();
    assertThat(String.join("; ", received.all("Cookie"))).contains("theme=dark").contains("lang=en")
        .doesNotContain("jwt-token").doesNotContain(erin);
    assertThat(received.header("Authorization")).isNull();
    assertThat(received.header("X-Auth-Subject")).isEqualTo(RealmTokens.subject(erin));
  }

  @Test
  void cookieAndHeaderWithTheSameTokenAreAcceptedAndNeitherIsForwarded() {
    gw.upstream.clear();
    RawHttp.Response response = RawHttp.send(gw.port(), "GET /api/v1/skills HTTP/1.1", host(), bearer(erin),
        "Cookie: jwt-token=" + erin);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    RecordingUpstream.Received received = single();
    received.headers().values().forEach(values -> assertThat(values.toString()).doesNotContain(erin));
  }

  @Test
  void methodOverrideHeadersAreStripped() {
    gw.upstream.clear();
    RawHttp.Response response = RawHttp.send(gw.port(), "GET /api/v1/skills HTTP/1.1", host(), bearer(erin),
        "X-HTTP-Method-Override: DELETE", "X-HTTP-Method: DELETE", "X-Method-Override: DELETE");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    RecordingUpstream.Received received = single();
    assertThat(received.method()).isEqualTo("GET");
    assertThat(received.headers()).doesNotContainKeys("x-http-method-override", "x-http-method", "x-method-override");
  }

  @Test
  void theUpstreamReceivesExactlyTheAuthorisedCanonicalPath() {
    gw.upstream.clear();
    RawHttp.Response response = RawHttp.send(gw.port(), "GET /api/v1/users/%2e%2e//./skills?q=a%2Fb HTTP/1.1",
        host(), bearer(erin));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(single().uri()).isEqualTo("/api/v1/skills?q=a%2Fb");
  }

  /** Keycloak signs a 1-second token; it works at once and is refused once exp plus the gateway's skew passed. */
  @Test
  void anExpiredKeycloakTokenIsRefused() {
    String clientId = passwordGrantClient("it-short-lived", Map.of("attributes", Map.of("access.token.lifespan", "1")));
    String token = realm.passwordGrant(clientId, "erin").path("access_token").asText();
    long exp = Jwt.payload(token).path("exp").asLong();
    assertThat(exp - Jwt.payload(token).path("iat").asLong()).as("lifespan").isLessThanOrEqualTo(1);
    gw.upstream.clear();
    // Used at once it is valid (and now sits in the gateway's verified-token cache).
    int first = gw.get("/api/v1/skills", token).statusCode();

    long skewSeconds = 10; // the gateway's default clock skew
    Poll.until(Duration.ofSeconds(30), "the clock passes exp + skew",
        () -> Instant.now().getEpochSecond() > exp + skewSeconds + 1);
    gw.upstream.clear();
    var response = gw.get("/api/v1/skills", token);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        v -> assertThat(v).contains("invalid_token"));
    assertThat(gw.upstream.received()).isEmpty();
    assertThat(first).as("the same token before it expired (proves it was otherwise valid)").isEqualTo(200);
  }

  /** A validly signed token with nbf in the future, made by a hard-coded claim mapper. */
  @Test
  void aKeycloakSignedTokenNotValidYetIsRefused() {
    String clientId = passwordGrantClient("it-future-nbf", Map.of("protocolMappers", List.of(Map.of(
        "name", "future-nbf", "protocol", "openid-connect", "protocolMapper", "oidc-hardcoded-claim-mapper",
        "config", Map.of("claim.name", "nbf", "claim.value", "4102444800", "jsonType.label", "long",
            "access.token.claim", "true", "introspection.token.claim", "true")))));
    String token = realm.passwordGrant(clientId, "erin").path("access_token").asText();
    assumeTrue(Jwt.payload(token).path("nbf").asLong() == 4102444800L,
        "Keycloak did not put the hard-coded nbf into the token: " + Jwt.payload(token));
    gw.upstream.clear();

    var response = gw.get("/api/v1/skills", token);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(gw.upstream.received()).isEmpty();
  }

  /** A public password-grant client of the gatehouse realm with extra settings; returns its clientId. */
  private String passwordGrantClient(String prefix, Map<String, Object> extra) {
    String clientId = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> client = new java.util.HashMap<>(Map.of("clientId", clientId, "publicClient", true,
        "directAccessGrantsEnabled", true, "standardFlowEnabled", false, "fullScopeAllowed", true));
    client.putAll(extra);
    realm.admin().post(RealmTokens.REALM + "/clients", client).expect(201);
    return clientId;
  }

  private RecordingUpstream.Received single() {
    assertThat(gw.upstream.received()).hasSize(1);
    return gw.upstream.received().get(0);
  }

  private Case get(String name, int status, String target, String... headers) {
    List<String> lines = new ArrayList<>(List.of("GET " + target + " HTTP/1.1", host()));
    lines.addAll(List.of(headers));
    return new Case(name, status, lines.toArray(String[]::new));
  }

  private static String[] concat(String[] first, String... more) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private String host() {
    return "Host: 127.0.0.1:" + gw.port();
  }

  private static String bearer(String token) {
    return "Authorization: Bearer " + token;
  }

  /** A password-grant token of alice from the fake-google realm: signed by Keycloak, but another issuer. */
  private static String fakeGoogleToken(KeycloakServer keycloak) {
    String clientId = "it-direct-" + UUID.randomUUID().toString().substring(0, 8);
    keycloak.admin().post("fake-google/clients", Map.of("clientId", clientId, "publicClient", true,
        "directAccessGrantsEnabled", true, "standardFlowEnabled", false)).expect(201);
    return keycloak.admin().token("fake-google", Map.of("grant_type", "password", "client_id", clientId,
        "username", "alice", "password", "alice")).expect(200).json().path("access_token").asText();
  }
}
