package dev.gatehouse.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.policy.AccessPolicy;
import dev.gatehouse.gateway.GatewayRoutes;
import dev.gatehouse.gateway.http.RequestTarget;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.policy.Decision;
import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.revocation.TestRevocationGuards;
import dev.gatehouse.gateway.token.TokenRejectedException;
import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Page loads refused because the permissions in the {@code jwt-token} cookie changed: the whole gateway router with
 * the login, a fake OpenID provider and a fixed revocation list, driven like a browser.
 */
class NavigationRefreshTest {

  private static final String PUBLIC_BASE = "http://api.gatehouse.test";
  private static final String PAGE = PUBLIC_BASE + "/page?tab=1";
  private static final Map<String, String> NAVIGATION = Map.of("Sec-Fetch-Mode", "navigate",
      "Sec-Fetch-Site", "same-origin", "Sec-Fetch-Dest", "document", "Accept", "text/html,*/*;q=0.8");

  private static Vertx vertx;
  private static FakeOidcProvider provider;
  private static WebClient http;
  private HttpServer gateway;

  @BeforeAll
  static void startProvider() throws Exception {
    vertx = Vertx.vertx();
    provider = await(new FakeOidcProvider().start(vertx));
    http = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  @AfterEach
  void stopGateway() throws Exception {
    if (gateway != null) {
      await(gateway.close());
    }
  }

  @Test
  void aPageLoadWithChangedPermissionsIsRefreshedAndReturnsToThePage() throws Exception {
    // Tokens without padding are "old" (iat 100), padded ones "new" (iat 200); the change was at second 150.
    start(TestRevocationGuards.refusingSubject("user-1", "permissions_changed", 150));
    Map<String, String> jar = loggedIn();
    provider.accessTokenPadding = 8;

    HttpResponse<Buffer> refused = get("/page?tab=1", jar, NAVIGATION);
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(303);
    assertThat(refused.getHeader("Location")).isEqualTo(PUBLIC_BASE + "/auth/refresh?redirect=" + enc(PAGE));

    HttpResponse<Buffer> refreshed = get(refused.getHeader("Location"), jar, NAVIGATION);
    assertThat(refreshed.statusCode()).as(refreshed.bodyAsString()).isEqualTo(303);
    assertThat(refreshed.getHeader("Location")).isEqualTo(PAGE);
    String oldToken = jar.get("jwt-token");
    absorb(jar, refreshed);
    assertThat(jar.get("jwt-token")).isNotEqualTo(oldToken);
    assertThat(refreshed.headers().getAll("Set-Cookie")).anyMatch(c -> c.matches(
        "gatehouse-refreshed=[\\w-]{22}; Max-Age=10; Domain=gatehouse\\.test; Path=/; HttpOnly; SameSite=Lax"));

    HttpResponse<Buffer> back = get("/page?tab=1", jar, NAVIGATION);
    assertThat(back.statusCode()).as(back.bodyAsString()).isEqualTo(200);
    assertThat(back.bodyAsString()).isEqualTo("page");
  }

  @Test
  void aRefreshedTokenRefusedAgainGets401InsteadOfALoop() throws Exception {
    // Every token is issued "before" the change (same-second rule): the refresh cannot help.
    start(TestRevocationGuards.refusingSubject("user-1", "permissions_changed", 10_000));
    Map<String, String> jar = loggedIn();
    provider.accessTokenPadding = 8;

    HttpResponse<Buffer> refused = get("/page", jar, NAVIGATION);
    assertThat(refused.statusCode()).isEqualTo(303);
    absorb(jar, get(refused.getHeader("Location"), jar, NAVIGATION));

    HttpResponse<Buffer> again = get("/page", jar, NAVIGATION);
    assertInvalidToken(again, "permissions changed, get a new token");
  }

  @Test
  void scriptsBearerTokensAndEndedSessionsKeepThe401() throws Exception {
    start(TestRevocationGuards.refusingSubject("user-1", "permissions_changed", 150));
    Map<String, String> jar = loggedIn();

    assertInvalidToken(get("/page", jar, Map.of("Sec-Fetch-Mode", "cors", "Sec-Fetch-Site", "same-origin",
        "Accept", "text/html")), "permissions changed, get a new token");
    assertInvalidToken(get("/page", Map.of(), Map.of("Authorization", "Bearer " + jar.get("jwt-token"),
        "Accept", "text/html")), "permissions changed, get a new token");
    assertInvalidToken(send(HttpMethod.POST, "/page", jar, Map.of("Sec-Fetch-Mode", "navigate",
        "Sec-Fetch-Site", "same-origin")), "permissions changed, get a new token");
    assertInvalidToken(get("/page", jar, Map.of("Accept", "application/json")), "permissions changed, get a new token");
    assertInvalidToken(send(HttpMethod.HEAD, "/page", jar, NAVIGATION), "permissions changed, get a new token");
    // No Sec-Fetch headers (older browsers): Accept text/html marks a page load.
    assertThat(get("/page", jar, Map.of("Accept", "text/html")).statusCode()).isEqualTo(303);

    stopGateway();
    start(TestRevocationGuards.refusingSubject("user-1", "session_ended", 150));
    assertInvalidToken(get("/page", jar, NAVIGATION), "session ended, sign in again");
  }

  /** Regression: whoami verified the token itself and answered 200 for a revoked one. */
  @Test
  void whoamiRefusesARevokedTokenLikeEveryOtherRequest() throws Exception {
    start(TestRevocationGuards.refusingSubject("user-1", "session_ended", 150));
    Map<String, String> jar = loggedIn();

    HttpResponse<Buffer> byCookie = get("/auth/whoami", jar, Map.of());
    assertInvalidToken(byCookie, "session ended, sign in again");
    assertThat(byCookie.bodyAsJsonObject().getString("error")).isEqualTo("invalid_token");
    assertThat(byCookie.bodyAsJsonObject().getString("message")).isEqualTo("session ended, sign in again");
    assertInvalidToken(get("/auth/whoami", Map.of(), Map.of("Authorization", "Bearer " + jar.get("jwt-token"))),
        "session ended, sign in again");

    // A token issued after the change (iat 200) is answered as before.
    provider.accessTokenPadding = 8;
    absorb(jar, get("/auth/refresh?redirect=" + enc(PAGE), jar, NAVIGATION));
    HttpResponse<Buffer> fresh = get("/auth/whoami", jar, Map.of());
    assertThat(fresh.statusCode()).as(fresh.bodyAsString()).isEqualTo(200);
    assertThat(fresh.bodyAsJsonObject().getString("sub")).isEqualTo("user-1");

    // A list too stale to tell (whenStale=refuse): 503, as protected routes answer.
    stopGateway();
    start(TestRevocationGuards.stale());
    HttpResponse<Buffer> stale = get("/auth/whoami", jar, Map.of());
    assertThat(stale.statusCode()).as(stale.bodyAsString()).isEqualTo(503);
    assertThat(stale.bodyAsJsonObject().getString("message")).contains("revocation list");
  }

  @Test
  void theRefreshEndpointRefusesScriptsAndForeignTargetsAndFallsBackToTheLogin() throws Exception {
    start(RevocationGuard.alwaysFresh());
    Map<String, String> jar = loggedIn();
    int exchanges = provider.tokenRequests.get();

    HttpResponse<Buffer> script = get("/auth/refresh?redirect=" + enc(PAGE), jar,
        Map.of("Sec-Fetch-Mode", "cors", "Sec-Fetch-Site", "same-origin"));
    assertThat(script.statusCode()).isEqualTo(400);
    assertThat(script.bodyAsJsonObject().getString("error")).isEqualTo("not_a_navigation");
    HttpResponse<Buffer> foreign = get("/auth/refresh?redirect=" + enc("https://evil.com/"), jar, NAVIGATION);
    assertThat(foreign.statusCode()).isEqualTo(400);
    assertThat(foreign.bodyAsJsonObject().getString("error")).isEqualTo("redirect_refused");
    HttpResponse<Buffer> crossSite = get("/auth/refresh?redirect=" + enc(PAGE), jar,
        Map.of("Sec-Fetch-Mode", "navigate", "Sec-Fetch-Site", "cross-site"));
    assertThat(crossSite.statusCode()).isEqualTo(400);
    assertThat(provider.tokenRequests.get()).as("nothing refused reached Keycloak").isEqualTo(exchanges);

    HttpResponse<Buffer> noSession = get("/auth/refresh?redirect=" + enc(PAGE), Map.of(), NAVIGATION);
    assertThat(noSession.statusCode()).isEqualTo(303);
    assertThat(noSession.getHeader("Location")).isEqualTo(PUBLIC_BASE + "/auth/login?redirect=" + enc(PAGE));

    absorb(jar, get("/auth/refresh?redirect=" + enc(PAGE), jar, NAVIGATION));
    Map<String, String> stale = new LinkedHashMap<>(jar);
    stale.put("gatehouse-refresh", "refresh-used-up");
    HttpResponse<Buffer> ended = get("/auth/refresh?redirect=" + enc(PAGE), stale, NAVIGATION);
    assertThat(ended.statusCode()).isEqualTo(303);
    assertThat(ended.getHeader("Location")).isEqualTo(PUBLIC_BASE + "/auth/login?redirect=" + enc(PAGE));
    assertThat(ended.headers().getAll("Set-Cookie"))
        .contains("jwt-token=; Max-Age=0; Domain=gatehouse.test; Path=/; HttpOnly; SameSite=Lax");
  }

  private void start(RevocationGuard revocations) throws Exception {
    provider.accessTokenPadding = 0;
    LoginOptions options = new LoginOptions()
        .setIssuer(provider.issuer())
        .setClientId(FakeOidcProvider.CLIENT_ID)
        .setClientSecret(FakeOidcProvider.CLIENT_SECRET)
        .setPublicBaseUrl(PUBLIC_BASE)
        .setParentDomain("gatehouse.test")
        .setAllowInsecureHttp(true)
        .setStateSecrets(List.of("test-state-secret-test-state-secret-42"));
    GatewayRoutes.Parts parts = new GatewayRoutes.Parts(Set.of(), 
        new CredentialExtractor(SessionCookies.ACCESS_TOKEN), new OldOrNewTokens(), new PagePolicy(),
        new GatewayMetrics(), null, options, revocations);
    gateway = await(vertx.createHttpServer()
        .requestHandler(GatewayRoutes.create(vertx, parts, exchange -> exchange.request().response().end("page"), WebClient.create(vertx), null))
        .listen(0, "127.0.0.1"));
  }

  /** Signs in through the gateway's login and the fake provider; the cookies a browser would hold. */
  private Map<String, String> loggedIn() throws Exception {
    HttpResponse<Buffer> login = get("/auth/login?redirect=" + enc(PAGE), Map.of(), Map.of());
    Map<String, String> jar = new LinkedHashMap<>();
    absorb(jar, login);
    HttpResponse<Buffer> atProvider = await(http.getAbs(login.getHeader("Location")).send());
    String callback = atProvider.getHeader("Location");
    HttpResponse<Buffer> back = get(callback.substring(PUBLIC_BASE.length()), jar, Map.of());
    assertThat(back.statusCode()).as(back.bodyAsString()).isEqualTo(302);
    absorb(jar, back);
    assertThat(jar).containsKeys("jwt-token", "gatehouse-refresh");
    return jar;
  }

  private static void absorb(Map<String, String> jar, HttpResponse<Buffer> response) {
    for (String setCookie : response.headers().getAll("Set-Cookie")) {
      String pair = setCookie.split(";")[0];
      String name = pair.substring(0, pair.indexOf('='));
      String value = pair.substring(pair.indexOf('=') + 1);
      if (value.isEmpty()) {
        jar.remove(name);
      } else {
        jar.put(name, value);
      }
    }
  }

  private static void assertInvalidToken(HttpResponse<Buffer> response, String description) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate"))
        .isEqualTo("Bearer error=\"invalid_token\", error_description=\"" + description + "\"");
  }

  private HttpResponse<Buffer> get(String pathOrUrl, Map<String, String> jar, Map<String, String> headers)
      throws Exception {
    return send(HttpMethod.GET, pathOrUrl, jar, headers);
  }

  /** As the browser would send it to the gateway's public host; the connection goes to the test server. */
  private HttpResponse<Buffer> send(HttpMethod method, String pathOrUrl, Map<String, String> jar,
      Map<String, String> headers) throws Exception {
    String path = pathOrUrl.startsWith(PUBLIC_BASE) ? pathOrUrl.substring(PUBLIC_BASE.length()) : pathOrUrl;
    var request = http.requestAbs(method, "http://127.0.0.1:" + gateway.actualPort() + path)
        .putHeader("Host", "api.gatehouse.test");
    headers.forEach(request::putHeader);
    if (!jar.isEmpty()) {
      request.putHeader("Cookie", String.join("; ", jar.entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue()).toList()));
    }
    return await(request.send());
  }

  private static String enc(String value) {
    return OidcClient.formEncode(value);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** The provider's access tokens; unpadded ones count as issued at second 100, padded ones at 200. */
  private static final class OldOrNewTokens implements TokenVerifier {
    @Override
    public Future<VerifiedToken> verify(String compactJwt) {
      JsonObject claims;
      try {
        claims = IdTokenValidator.unverifiedClaims(compactJwt);
      } catch (RuntimeException e) {
        return Future.failedFuture(new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, "not a token"));
      }
      if (!"Bearer".equals(claims.getString("typ"))) {
        return Future.failedFuture(new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, "not a token"));
      }
      long issuedAt = claims.getString("pad", "").isEmpty() ? 100 : 200;
      return Future.succeededFuture(new VerifiedToken(claims.getString("sub"), "alice", null, Set.of("view-page"),
          Set.of(), claims.getString("azp"), claims.getLong("exp"), null, "sid-1", issuedAt));
    }

    @Override
    public boolean ready() {
      return true;
    }
  }

  /** GET /page needs view-page. */
  private static final class PagePolicy implements AccessPolicy {
    @Override
    public Decision decide(String method, String normalizedPath, Collection<String> permissions) {
      return method.equals("GET") && normalizedPath.equals("/page") && permissions.contains("view-page")
          ? new Decision(true, null) : Decision.DENIED;
    }

    @Override
    public boolean loaded() {
      return true;
    }

    @Override
    public int size() {
      return 1;
    }

    @Override
    public long version() {
      return 1;
    }
  }
}
