package dev.gatehouse.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.token.KeysNotLoadedException;
import dev.gatehouse.gateway.token.TokenRejectedException;
import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The login endpoints on a real HTTP server, against a fake OpenID provider, driven like a browser would. */
class LoginFlowTest {

  private static final String PUBLIC_BASE = "http://api.gatehouse.test";
  private static final String APP = "http://app.gatehouse.test/home?tab=1";

  private static Vertx vertx;
  private static FakeOidcProvider provider;
  private static HttpServer gateway;
  private static final AcceptingProviderTokens verifier = new AcceptingProviderTokens();
  private static WebClient http;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    provider = await(new FakeOidcProvider().start(vertx));
    LoginOptions options = new LoginOptions()
        .setIssuer(provider.issuer())
        .setClientId(FakeOidcProvider.CLIENT_ID)
        .setClientSecret(FakeOidcProvider.CLIENT_SECRET)
        .setPublicBaseUrl(PUBLIC_BASE)
        .setParentDomain("gatehouse.test")
        .setAllowedOrigins(List.of("http://partner.example.org"))
        .setAllowInsecureHttp(true)
        .setStateSecrets(List.of("test-state-secret-test-state-secret-42"));
    Router router = Router.router(vertx);
    LoginRoutes.mount(router, options, WebClient.create(vertx), verifier);
    gateway = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    http = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  @BeforeEach
  void resetProvider() {
    provider.enforcePkce = true;
    provider.accessTokenPadding = 0;
    verifier.keysLoaded = true;
  }

  @Test
  void loginSendsTheBrowserToKeycloakWithPkceStateAndNonce() throws Exception {
    HttpResponse<Buffer> response = get("/auth/login?redirect=" + enc(APP), Map.of());

    assertThat(response.statusCode()).isEqualTo(302);
    Map<String, String> query = queryOf(response.getHeader("Location"));
    assertThat(response.getHeader("Location")).startsWith(provider.issuer() + "/protocol/openid-connect/auth?");
    assertThat(query).containsEntry("response_type", "code").containsEntry("client_id", "gateway")
        .containsEntry("redirect_uri", PUBLIC_BASE + "/auth/callback").containsEntry("scope", "openid")
        .containsEntry("code_challenge_method", "S256").containsKeys("state", "nonce", "code_challenge");
    assertThat(query.get("state")).isNotEqualTo(query.get("nonce"));
    assertThat(response.headers().getAll("Set-Cookie")).singleElement().asString()
        .startsWith("gatehouse-login=v1.").endsWith("; Max-Age=600; Path=/; HttpOnly; SameSite=Lax");
  }

  @Test
  void callbackSetsTheSessionCookiesAndReturnsToTheApp() throws Exception {
    Callback callback = loginUntilCallback(APP);

    HttpResponse<Buffer> response = get(callback.path(), Map.of("Cookie", callback.loginCookie()));

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.getHeader("Location")).isEqualTo(APP);
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    List<String> setCookies = response.headers().getAll("Set-Cookie");
    assertThat(setCookies).anyMatch(c -> c.matches(
        "jwt-token=[\\w-]+\\.[\\w-]+\\.[\\w-]+; Max-Age=300; Domain=gatehouse\\.test; Path=/; HttpOnly; SameSite=Lax"));
    assertThat(setCookies).anyMatch(c -> c.matches(
        "gatehouse-refresh=refresh-\\d+; Max-Age=1800; Path=/auth/; HttpOnly; SameSite=Strict"));
    assertThat(setCookies).anyMatch(c -> c.matches(
        "gatehouse-id=[\\w-]+\\.[\\w-]+\\.[\\w-]+; Max-Age=1800; Path=/auth/; HttpOnly; SameSite=Lax"));
    assertThat(setCookies).contains("gatehouse-login=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
  }

  @Test
  void aForgedStateIsRefusedBeforeAnyCodeExchange() throws Exception {
    Callback callback = loginUntilCallback(APP);
    int exchangesBefore = provider.tokenRequests.get();

    HttpResponse<Buffer> response = get(callback.path().replace("state=", "state=x"),
        Map.of("Cookie", callback.loginCookie()));

    assertError(response, 400, "state_mismatch");
    assertThat(provider.tokenRequests.get()).isEqualTo(exchangesBefore);
    assertThat(response.headers().getAll("Set-Cookie")).isEmpty();
  }

  @Test
  void ofTwoLoginsInOneBrowserTheNewerCompletes() throws Exception {
    Callback older = loginUntilCallback(APP);
    Callback newer = loginUntilCallback(APP);

    assertError(get(older.path(), Map.of("Cookie", newer.loginCookie())), 400, "state_mismatch");
    assertThat(get(newer.path(), Map.of("Cookie", newer.loginCookie())).statusCode()).isEqualTo(302);
  }

  @Test
  void aCallbackWithoutTheLoginCookieIsRefused() throws Exception {
    Callback callback = loginUntilCallback(APP);

    assertError(get(callback.path(), Map.of()), 400, "login_state_invalid");
    assertError(get(callback.path(), Map.of("Cookie", "gatehouse-login=v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")),
        400, "login_state_invalid");
  }

  @Test
  void aReplayedCodeIsRefused() throws Exception {
    Callback callback = loginUntilCallback(APP);
    assertThat(get(callback.path(), Map.of("Cookie", callback.loginCookie())).statusCode()).isEqualTo(302);

    HttpResponse<Buffer> replay = get(callback.path(), Map.of("Cookie", callback.loginCookie()));

    assertError(replay, 400, "login_failed");
    assertThat(replay.headers().getAll("Set-Cookie")).noneMatch(c -> c.startsWith("jwt-token="));
  }

  @Test
  void aCodeFromAnotherLoginFailsTheNonceCheckEvenWithoutPkce() throws Exception {
    provider.enforcePkce = false;
    Callback victim = loginUntilCallback(APP);
    Callback attacker = loginUntilCallback(APP);
    String injected = attacker.path().replaceAll("state=[^&]*", "state=" + enc(queryOf(victim.path()).get("state")));

    assertError(get(injected, Map.of("Cookie", victim.loginCookie())), 400, "login_failed");
  }

  @Test
  void aRefusedRedirectIsNeverFollowed() throws Exception {
    for (String target : List.of("https://evil.com/", "//evil.com", "http://app.gatehouse.test.evil.com/",
        "javascript:alert(1)", "http://app.gatehouse.test/\r\nX: y")) {
      HttpResponse<Buffer> response = get("/auth/login?redirect=" + enc(target), Map.of());
      assertError(response, 400, "redirect_refused");
      assertThat(response.getHeader("Location")).isNull();
      assertThat(response.headers().getAll("Set-Cookie")).isEmpty();
    }
  }

  @Test
  void anAppOutsideTheParentDomainGetsTheTokenInTheFragment() throws Exception {
    Callback callback = loginUntilCallback("http://partner.example.org/app");

    HttpResponse<Buffer> response = get(callback.path(), Map.of("Cookie", callback.loginCookie()));

    String location = response.getHeader("Location");
    assertThat(location).matches("http://partner\\.example\\.org/app#access_token=[\\w.-]+&token_type=Bearer&expires_in=300");
    assertThat(URI.create(location).getRawQuery()).isNull();
  }

  @Test
  void aTokenTooLargeForACookieIsAnErrorNotASilentDrop() throws Exception {
    provider.accessTokenPadding = 5000;
    Callback callback = loginUntilCallback(APP);

    HttpResponse<Buffer> response = get(callback.path(), Map.of("Cookie", callback.loginCookie()));

    assertError(response, 502, "token_too_large");
    assertThat(response.bodyAsJsonObject().getString("message")).contains("reduce the permissions");
    assertThat(response.headers().getAll("Set-Cookie")).noneMatch(c -> c.startsWith("jwt-token="));
  }

  @Test
  void refreshRenewsTheCookiesWithoutShowingTokensAndNeedsAnOrigin() throws Exception {
    Map<String, String> jar = loggedIn();
    String cookie = "gatehouse-refresh=" + jar.get("gatehouse-refresh");

    assertError(post("/auth/refresh", Map.of("Cookie", cookie)), 403, "cross_site_request");
    assertError(post("/auth/refresh", Map.of("Cookie", cookie, "Origin", "http://evil.com")), 403, "cross_site_request");

    HttpResponse<Buffer> refreshed = post("/auth/refresh", Map.of("Cookie", cookie, "Origin", "http://app.gatehouse.test"));
    assertThat(refreshed.statusCode()).isEqualTo(200);
    assertThat(refreshed.bodyAsJsonObject()).isEqualTo(new JsonObject().put("expires_in", 300));
    assertThat(refreshed.headers().getAll("Set-Cookie"))
        .anyMatch(c -> c.startsWith("jwt-token=") && !c.startsWith("jwt-token=;"))
        .anyMatch(c -> c.startsWith("gatehouse-refresh=refresh-") && !c.contains(jar.get("gatehouse-refresh")));

    HttpResponse<Buffer> reused = post("/auth/refresh", Map.of("Cookie", cookie, "Sec-Fetch-Site", "same-site"));
    assertError(reused, 401, "session_ended");
    assertThat(reused.headers().getAll("Set-Cookie"))
        .contains("jwt-token=; Max-Age=0; Domain=gatehouse.test; Path=/; HttpOnly; SameSite=Lax");
  }

  @Test
  void logoutClearsTheCookiesEndsTheKeycloakSessionAndReturnsToTheApp() throws Exception {
    Map<String, String> jar = loggedIn();
    String bye = "http://app.gatehouse.test/bye";

    HttpResponse<Buffer> response = get("/auth/logout?redirect=" + enc(bye), Map.of("Cookie", cookieHeader(jar)));

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().getAll("Set-Cookie")).containsExactlyInAnyOrder(
        "jwt-token=; Max-Age=0; Domain=gatehouse.test; Path=/; HttpOnly; SameSite=Lax",
        "gatehouse-refresh=; Max-Age=0; Path=/auth/; HttpOnly; SameSite=Strict",
        "gatehouse-id=; Max-Age=0; Path=/auth/; HttpOnly; SameSite=Lax");
    String endSession = response.getHeader("Location");
    assertThat(endSession).startsWith(provider.issuer() + "/protocol/openid-connect/logout?");
    assertThat(queryOf(endSession)).containsEntry("id_token_hint", jar.get("gatehouse-id"))
        .containsEntry("client_id", "gateway")
        .containsEntry("post_logout_redirect_uri", PUBLIC_BASE + "/auth/logout/done")
        .containsEntry("state", bye);

    HttpResponse<Buffer> backFromKeycloak = absolute(HttpMethod.GET, endSession, Map.of());
    HttpResponse<Buffer> done = get(backFromKeycloak.getHeader("Location"), Map.of());
    assertThat(done.statusCode()).isEqualTo(302);
    assertThat(done.getHeader("Location")).isEqualTo(bye);
  }

  @Test
  void logoutNeverFollowsARefusedTarget() throws Exception {
    assertError(get("/auth/logout?redirect=" + enc("https://evil.com"), Map.of()), 400, "redirect_refused");
    assertError(get("/auth/logout/done?state=" + enc("https://evil.com"), Map.of()), 400, "redirect_refused");
  }

  @Test
  void whoamiDescribesTheVerifiedCaller() throws Exception {
    Map<String, String> jar = loggedIn();

    HttpResponse<Buffer> response = get("/auth/whoami", Map.of("Cookie", "jwt-token=" + jar.get("jwt-token")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("sub")).isEqualTo("user-1");
    assertThat(response.bodyAsJsonObject().getJsonArray("permissions").getList()).containsExactly("view-roles");
    assertError(get("/auth/whoami", Map.of()), 401, "not_logged_in");
    assertError(get("/auth/whoami", Map.of("Authorization", "Bearer nope")), 401, "invalid_token");
    verifier.keysLoaded = false;
    assertError(get("/auth/whoami", Map.of("Cookie", "jwt-token=" + jar.get("jwt-token"))), 503, "not_ready");
  }

  @Test
  void discoveryIsFetchedOnceAndShared() throws Exception {
    loggedIn();
    loggedIn();

    assertThat(provider.discoveryRequests.get()).isEqualTo(1);
  }

  @Test
  void corsPreflightIsAnsweredOnlyForOurApps() throws Exception {
    HttpResponse<Buffer> ours = send(HttpMethod.OPTIONS, "/auth/refresh", Map.of("Origin", "http://app.gatehouse.test",
        "Access-Control-Request-Method", "POST"));
    assertThat(ours.statusCode()).isEqualTo(204);
    assertThat(ours.getHeader("Access-Control-Allow-Origin")).isEqualTo("http://app.gatehouse.test");
    assertThat(ours.getHeader("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(ours.headers().getAll("Vary")).contains("Origin");

    HttpResponse<Buffer> theirs = send(HttpMethod.OPTIONS, "/auth/refresh", Map.of("Origin", "http://evil.com",
        "Access-Control-Request-Method", "POST"));
    assertThat(theirs.statusCode()).isEqualTo(403);
    assertThat(theirs.getHeader("Access-Control-Allow-Origin")).isNull();
  }

  private record Callback(String path, String loginCookie) {}

  /** Runs /auth/login and the provider's login page; returns the callback the browser would now request. */
  private Callback loginUntilCallback(String target) throws Exception {
    HttpResponse<Buffer> login = get("/auth/login?redirect=" + enc(target), Map.of());
    assertThat(login.statusCode()).as("login").isEqualTo(302);
    String loginCookie = login.headers().getAll("Set-Cookie").get(0).split(";")[0];
    HttpResponse<Buffer> keycloak = absolute(HttpMethod.GET, login.getHeader("Location"), Map.of());
    assertThat(keycloak.statusCode()).as("provider authorize").isEqualTo(302);
    String callback = keycloak.getHeader("Location");
    assertThat(callback).startsWith(PUBLIC_BASE + "/auth/callback?");
    return new Callback(callback.substring(PUBLIC_BASE.length()), loginCookie);
  }

  private Map<String, String> loggedIn() throws Exception {
    Callback callback = loginUntilCallback(APP);
    HttpResponse<Buffer> response = get(callback.path(), Map.of("Cookie", callback.loginCookie()));
    assertThat(response.statusCode()).isEqualTo(302);
    Map<String, String> jar = new LinkedHashMap<>();
    for (String setCookie : response.headers().getAll("Set-Cookie")) {
      String pair = setCookie.split(";")[0];
      String value = pair.substring(pair.indexOf('=') + 1);
      if (!value.isEmpty()) {
        jar.put(pair.substring(0, pair.indexOf('=')), value);
      }
    }
    assertThat(jar).containsKeys("jwt-token", "gatehouse-refresh", "gatehouse-id");
    return jar;
  }

  private static String cookieHeader(Map<String, String> jar) {
    return String.join("; ", jar.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String error) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo(error);
    assertThat(response.bodyAsJsonObject().getString("message")).isNotBlank();
  }

  private static HttpResponse<Buffer> get(String pathOrUrl, Map<String, String> headers) throws Exception {
    return send(HttpMethod.GET, pathOrUrl, headers);
  }

  private static HttpResponse<Buffer> post(String path, Map<String, String> headers) throws Exception {
    return send(HttpMethod.POST, path, headers);
  }

  /** Requests to the gateway's public URL go to the test server, as the browser's DNS would send them. */
  private static HttpResponse<Buffer> send(HttpMethod method, String pathOrUrl, Map<String, String> headers)
      throws Exception {
    String path = pathOrUrl.startsWith(PUBLIC_BASE) ? pathOrUrl.substring(PUBLIC_BASE.length()) : pathOrUrl;
    return absolute(method, "http://127.0.0.1:" + gateway.actualPort() + path, headers);
  }

  private static HttpResponse<Buffer> absolute(HttpMethod method, String url, Map<String, String> headers)
      throws Exception {
    var request = http.requestAbs(method, url);
    headers.forEach(request::putHeader);
    return await(request.send());
  }

  private static Map<String, String> queryOf(String url) {
    Map<String, String> query = new LinkedHashMap<>();
    String raw = URI.create(url).getRawQuery();
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return query;
  }

  private static String enc(String value) {
    return OidcClient.formEncode(value);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Stands in for the gateway's JWKS verifier: accepts the provider's access tokens, rejects anything else. */
  private static final class AcceptingProviderTokens implements TokenVerifier {
    volatile boolean keysLoaded = true;

    @Override
    public Future<VerifiedToken> verify(String compactJwt) {
      if (!keysLoaded) {
        return Future.failedFuture(new KeysNotLoadedException("no keys yet"));
      }
      JsonObject claims = IdTokenValidator.unverifiedClaims(compactJwt);
      if (!"Bearer".equals(claims.getString("typ"))) {
        return Future.failedFuture(new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, "not a token"));
      }
      return Future.succeededFuture(new VerifiedToken(claims.getString("sub"), "alice", "alice@gatehouse.test",
          Set.of("view-roles"), Set.of("fellow"), claims.getString("azp"), claims.getLong("exp")));
    }

    @Override
    public boolean ready() {
      return keysLoaded;
    }
  }
}
