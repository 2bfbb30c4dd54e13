package dev.gatehouse.it.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.SameSiteAttribute;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.gateway.LocalApps;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Browser SSO end to end in a real Chromium: two apps on sibling subdomains, the gateway's login, Keycloak's login
 * page with the (stand-in) Google broker, the shared {@code jwt-token} cookie, logout. Plus the attacks a browser
 * would not attempt, sent with java.net.http against the same gateway and Keycloak.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class BrowserSsoIT {
  private static final Path SCREENSHOTS = Paths.get("target", "screenshots");
  private static final double TIMEOUT_MS = 90_000;

  private static SsoStack stack;
  private static HeadlessChromium chromium;
  private static Browser browser;
  private static final HttpClient http = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start(KeycloakServer keycloak, PostgresServer postgres) {
    stack = SsoStack.start(keycloak, postgres);
    chromium = HeadlessChromium.launch();
    browser = chromium.browser();
  }

  @AfterAll
  static void stop() {
    if (chromium != null) {
      chromium.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aliceSignsInOnceIsSignedInOnBothAppsAndLogsOutOfAll() throws Exception {
    try (BrowserContext context = browser.newContext()) {
      context.setDefaultTimeout(TIMEOUT_MS);
      Page page = context.newPage();

      AppView before = open(page, "app1");
      assertThat(before.user()).startsWith("nobody");
      assertThat(before.openStatus()).isEqualTo("401");

      page.click("#login");
      page.waitForSelector("#social-fake-google");
      assertThat(page.url()).startsWith(stack.keycloak.issuer("gatehouse") + "/protocol/openid-connect/auth");
      shot(page, "01-keycloak-login-page");

      page.click("#social-fake-google");
      Response callback = signInAtFakeGoogle(page, "alice");
      AppView app1 = awaitApp(page, "app1");
      shot(page, "02-app1-signed-in-as-alice");

      assertThat(app1.user()).isEqualTo("alice");
      assertThat(app1.openStatus()).as("GET %s through the gateway", LocalApps.OPEN_API_PATH).isEqualTo("200");
      assertThat(app1.permissions()).contains("view-roles", "view-skills").doesNotContain("view-users");
      assertThat(app1.guardedStatus()).as("alice lacks view-users").isEqualTo("403");
      assertThat(page.textContent("#open-body")).as("the demo service saw alice's identity").contains("alice");
      assertThatCallbackSetTheSessionCookies(callback);
      Cookie token = sessionCookie(context).orElseThrow();
      assertThat(token.domain).isIn("gatehouse.test", ".gatehouse.test");
      assertThat(token.httpOnly).isTrue();
      assertThat(token.sameSite).isEqualTo(SameSiteAttribute.LAX);

      AppView app2 = open(page, "app2");
      assertThat(page.url()).as("no login prompt on the second app").startsWith(stack.apps.url("app2"));
      assertThat(app2.user()).isEqualTo("alice");
      assertThat(app2.openStatus()).isEqualTo("200");
      shot(page, "03-app2-single-sign-on");

      crossSiteUnsafeRequestsRidingTheCookieAreRefused(token.value);

      page.click("#logout");
      AppView app2After = awaitApp(page, "app2");
      shot(page, "04-app2-after-logout");
      assertThat(app2After.user()).startsWith("nobody");
      assertThat(app2After.openStatus()).isEqualTo("401");
      assertThat(sessionCookie(context)).as("jwt-token cleared").isEmpty();

      AppView app1After = open(page, "app1");
      assertThat(app1After.openStatus()).isEqualTo("401");

      page.click("#login");
      page.waitForSelector("#social-fake-google");
      assertThat(page.url()).as("Keycloak's session ended too: it asks again")
          .startsWith(stack.keycloak.issuer("gatehouse"));
      shot(page, "05-keycloak-asks-again-after-logout");
    }
  }

  @Test
  void bobWithoutViewUsersGets403AndHisCodeCannotBeReplayed() throws Exception {
    try (BrowserContext context = browser.newContext()) {
      context.setDefaultTimeout(TIMEOUT_MS);
      Page page = context.newPage();
      open(page, "app1");
      page.click("#login");
      page.waitForSelector("#social-fake-google");
      Cookie loginState = context.cookies(stack.publicUrl).stream()
          .filter(c -> c.name.equals("gatehouse-login")).findFirst().orElseThrow();
      page.click("#social-fake-google");
      Response callback = signInAtFakeGoogle(page, "bob");

      AppView app1 = awaitApp(page, "app1");
      shot(page, "06-app1-signed-in-as-bob");
      assertThat(app1.user()).isEqualTo("bob");
      assertThat(app1.openStatus()).isEqualTo("200");
      assertThat(app1.guardedStatus()).as("GET %s needs view-users", LocalApps.GUARDED_API_PATH).isEqualTo("403");

      // An attacker who copied both the callback URL and the login cookie still cannot use the code twice.
      URI replay = URI.create(stack.loopbackGateway() + URI.create(callback.url()).getRawPath() + "?"
          + URI.create(callback.url()).getRawQuery());
      HttpResponse<String> replayed = send(HttpRequest.newBuilder(replay)
          .header("Cookie", "gatehouse-login=" + loginState.value));
      assertThat(replayed.statusCode()).isEqualTo(400);
      assertThat(replayed.body()).contains("login_failed");
      assertThat(replayed.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("jwt-token=") && !c.contains("Max-Age=0"));
    }
  }

  /**
   * Issue #14: a role removed in Keycloak while the browser is signed in. Page loads on the gateway go through
   * GET /auth/refresh and back: the user gets the new permissions (403 where the role was needed, 200 elsewhere)
   * with a new jwt-token cookie, and never sees a login page.
   */
  @Test
  void aRemovedRoleIsPickedUpByPageLoadsWithoutSigningInAgain() throws Exception {
    String username = "nav-" + Long.toHexString(System.nanoTime());
    String userId = stack.keycloak.admin().post("gatehouse/users", Map.of(
        "username", username, "enabled", true, "email", username + "@gatehouse.test", "emailVerified", true,
        "firstName", "Navigation", "lastName", "Refresh",
        "credentials", List.of(Map.of("type", "password", "value", username, "temporary", false)))).createdId();
    JsonNode talentManager = stack.keycloak.admin().get("gatehouse/roles/talent-manager").expect(200).json();
    stack.keycloak.admin().post("gatehouse/users/" + userId + "/role-mappings/realm", List.of(talentManager))
        .expect(204);
    // Creating the user and granting the role are revocations too: a token from the same second would be refused.
    awaitNextSecond();

    try (BrowserContext context = browser.newContext()) {
      context.setDefaultTimeout(TIMEOUT_MS);
      Page page = context.newPage();
      open(page, "app1");
      page.click("#login");
      page.waitForSelector("#username");
      page.fill("#username", username);
      page.fill("#password", username);
      page.click("#kc-login");
      AppView signedIn = awaitApp(page, "app1");
      assertThat(signedIn.guardedStatus()).as("talent-manager gives view-users").isEqualTo("200");

      String guarded = stack.publicUrl + LocalApps.GUARDED_API_PATH;
      assertThat(page.navigate(guarded).status()).isEqualTo(200);
      String tokenBefore = sessionCookie(context).orElseThrow().value;
      List<String> visited = new java.util.concurrent.CopyOnWriteArrayList<>();
      page.onFrameNavigated(frame -> {
        if (frame == page.mainFrame()) {
          visited.add(frame.url());
        }
      });
      List<String> requested = new java.util.concurrent.CopyOnWriteArrayList<>();
      page.onRequest(request -> requested.add(request.url()));

      stack.keycloak.admin().delete("gatehouse/users/" + userId + "/role-mappings/realm", List.of(talentManager))
          .expect(204);

      // Until the revocation reaches the gateway the old token still works; then the page load is refreshed.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      Response afterChange = page.navigate(guarded);
      while (afterChange.status() != 403 && System.nanoTime() < deadline) {
        assertThat(afterChange.status()).as("200 (not yet revoked) or 401 (refreshed in the same second)")
            .isIn(200, 401);
        afterChange = page.navigate(guarded);
      }
      shot(page, "07-role-removed-page-load-refreshed");
      assertThat(afterChange.status()).as("the new token lacks view-users").isEqualTo(403);
      assertThat(page.url()).isEqualTo(guarded);
      assertThat(requested).as("the gateway refreshed the page load").anyMatch(url ->
          url.startsWith(stack.publicUrl + "/auth/refresh?redirect="));
      assertThat(requested).as("no login page on the way").noneMatch(url ->
          url.startsWith(stack.keycloak.issuer("gatehouse")) || url.startsWith(stack.publicUrl + "/auth/login"));
      String tokenAfter = sessionCookie(context).orElseThrow().value;
      assertThat(tokenAfter).as("a new jwt-token cookie").isNotEqualTo(tokenBefore);

      Response stillAllowed = page.navigate(stack.publicUrl + LocalApps.OPEN_API_PATH);
      assertThat(stillAllowed.status()).as("view-roles stays (default roles)").isEqualTo(200);
      assertThat(sessionCookie(context).orElseThrow().value).isEqualTo(tokenAfter);
      assertThat(visited).noneMatch(url -> url.startsWith(stack.keycloak.issuer("gatehouse")));
    }
  }

  private static void awaitNextSecond() throws InterruptedException {
    long second = System.currentTimeMillis() / 1000;
    while (System.currentTimeMillis() / 1000 <= second) {
      Thread.sleep(20);
    }
  }

  @Test
  void redirectTargetTricksAreRefusedAtLogin() throws Exception {
    int appsPort = stack.apps.port();
    List<String> tricks = List.of(
        "https://evil.example/",
        "//evil.example/",
        "/relative/path",
        "http://gatehouse.test.evil.example/",
        "http://evilgatehouse.test/",
        "http://app1.gatehouse.test@evil.example/",
        "http://app1.gatehouse.test:" + appsPort + "@evil.example/",
        "http://evil.example?x=.gatehouse.test",
        "http://evil.example#@app1.gatehouse.test",
        "http://evil.example%2F.gatehouse.test/",
        "http://app1.gatehouse.test./",
        "http://127.0.0.1:" + appsPort + "/",
        "http://[::1]/",
        "javascript:alert(1)//app1.gatehouse.test",
        "data:text/html,<script>alert(1)</script>",
        "http:\\\\evil.example\\app1.gatehouse.test",
        "http://app1.gatehouse.test\\@evil.example/",
        "http://app1\u3002gatehouse.test/",
        "http://app1.gatehouse.test:9/",
        "ftp://app1.gatehouse.test/",
        "http://app1.gatehouse.test/\r\nSet-Cookie: x=y",
        " http://app1.gatehouse.test/");

    for (String target : tricks) {
      HttpResponse<String> response = get("/auth/login?redirect=" + enc(target));
      assertThat(response.statusCode()).as("refused: %s", target).isEqualTo(400);
      assertThat(response.body()).as("refused: %s", target).contains("redirect_refused");
      assertThat(response.headers().firstValue("Location")).as("never followed: %s", target).isEmpty();
      assertThat(response.headers().allValues("Set-Cookie")).as("no login state for %s", target).isEmpty();
    }

    HttpResponse<String> ours = get("/auth/login?redirect=" + enc(stack.apps.url("app1")));
    assertThat(ours.statusCode()).isEqualTo(302);
    assertThat(ours.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location)
        .startsWith(stack.keycloak.issuer("gatehouse") + "/protocol/openid-connect/auth?")
        .contains("code_challenge_method=S256").contains("client_id=gateway"));
  }

  @Test
  void aForgedStateOrLoginCookieIsRefusedBeforeKeycloakIsAsked() throws Exception {
    HttpResponse<String> login = get("/auth/login?redirect=" + enc(stack.apps.url("app1")));
    String loginCookie = login.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("gatehouse-login=")).findFirst().orElseThrow();
    String sealed = loginCookie.substring("gatehouse-login=".length(), loginCookie.indexOf(';'));
    String state = queryParameter(login.headers().firstValue("Location").orElseThrow(), "state");

    HttpResponse<String> forgedState = send(request("/auth/callback?code=abc&state=" + enc(state + "x"))
        .header("Cookie", "gatehouse-login=" + sealed));
    assertThat(forgedState.statusCode()).isEqualTo(400);
    assertThat(forgedState.body()).contains("state_mismatch");

    char flipped = sealed.charAt(20) == 'A' ? 'B' : 'A';
    String tampered = sealed.substring(0, 20) + flipped + sealed.substring(21);
    HttpResponse<String> forgedCookie = send(request("/auth/callback?code=abc&state=" + enc(state))
        .header("Cookie", "gatehouse-login=" + tampered));
    assertThat(forgedCookie.statusCode()).isEqualTo(400);
    assertThat(forgedCookie.body()).contains("login_state_invalid");

    HttpResponse<String> noCookie = get("/auth/callback?code=abc&state=" + enc(state));
    assertThat(noCookie.statusCode()).isEqualTo(400);
    assertThat(noCookie.body()).contains("login_state_invalid");

    HttpResponse<String> unusedCode = send(request("/auth/callback?code=made-up&state=" + enc(state))
        .header("Cookie", "gatehouse-login=" + sealed));
    assertThat(unusedCode.statusCode()).as("a made-up code is refused by Keycloak").isEqualTo(400);
    assertThat(unusedCode.body()).contains("login_failed");
  }

  /** With a real session cookie: a page on another site must not be able to make unsafe calls with it. */
  private void crossSiteUnsafeRequestsRidingTheCookieAreRefused(String token) throws Exception {
    HttpResponse<String> read = send(request(LocalApps.OPEN_API_PATH).header("Cookie", "jwt-token=" + token));
    assertThat(read.statusCode()).as("the cookie itself works").isEqualTo(200);

    HttpResponse<String> crossSite = send(post(LocalApps.OPEN_API_PATH, token, "http://evil.example"));
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(crossSite.body()).contains("cross_site_request");

    HttpResponse<String> noOrigin = send(post(LocalApps.OPEN_API_PATH, token, null));
    assertThat(noOrigin.statusCode()).isEqualTo(403);
    assertThat(noOrigin.body()).contains("cross_site_request");

    HttpResponse<String> preflight = send(request(LocalApps.OPEN_API_PATH)
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "http://evil.example").header("Access-Control-Request-Method", "POST"));
    assertThat(preflight.statusCode()).isEqualTo(403);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

    HttpResponse<String> ourApp = send(post(LocalApps.OPEN_API_PATH, token, stack.apps.url("app1").replaceAll("/$", "")));
    assertThat(ourApp.statusCode()).as("from our app it reaches the policy, which says no").isEqualTo(403);
    assertThat(ourApp.body()).contains("\"forbidden\"").doesNotContain("cross_site_request");
  }

  private void assertThatCallbackSetTheSessionCookies(Response callback) {
    assertThat(callback.status()).isEqualTo(302);
    assertThat(callback.headerValue("location")).isEqualTo(stack.apps.url("app1"));
    List<String> cookies = callback.headerValues("set-cookie");
    assertThat(cookies).anySatisfy(c -> assertThat(c).startsWith("jwt-token=ey").contains("Domain=gatehouse.test")
        .contains("Path=/;").contains("HttpOnly").contains("SameSite=Lax").containsPattern("Max-Age=[1-9]")
        .doesNotContain("Secure"));
    assertThat(cookies).anySatisfy(c -> assertThat(c).startsWith("gatehouse-refresh=").contains("Path=/auth/")
        .contains("HttpOnly").contains("SameSite=Strict").doesNotContain("Domain="));
    assertThat(cookies).anySatisfy(c -> assertThat(c).startsWith("gatehouse-id=").contains("Path=/auth/")
        .contains("HttpOnly").doesNotContain("Domain="));
    assertThat(cookies).as("the login state is single-use")
        .anySatisfy(c -> assertThat(c).startsWith("gatehouse-login=").contains("Max-Age=0"));
  }

  /** On fake-google's login page: signs in and returns the gateway's callback response (cookies and redirect). */
  private Response signInAtFakeGoogle(Page page, String user) {
    page.waitForSelector("#username");
    assertThat(page.url()).startsWith(stack.keycloak.issuer("fake-google"));
    page.fill("#username", user);
    page.fill("#password", user);
    String callback = stack.publicUrl + "/auth/callback";
    return page.waitForResponse(response -> response.url().startsWith(callback), () -> page.click("#kc-login"));
  }

  private record AppView(String user, String permissions, String openStatus, String guardedStatus) {}

  private AppView open(Page page, String app) {
    page.navigate(stack.apps.url(app));
    return awaitApp(page, app);
  }

  private AppView awaitApp(Page page, String app) {
    page.waitForURL(url -> url.startsWith(stack.apps.url(app)));
    page.waitForSelector("body[data-ready=true]");
    return new AppView(page.textContent("#user"), page.textContent("#permissions"),
        page.textContent("#open-status"), page.textContent("#guarded-status"));
  }

  private static Optional<Cookie> sessionCookie(BrowserContext context) {
    return context.cookies().stream().filter(c -> c.name.equals("jwt-token")).findFirst();
  }

  private static void shot(Page page, String name) {
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(stack.loopbackGateway() + pathAndQuery)).timeout(Duration.ofSeconds(30));
  }

  private HttpRequest.Builder post(String path, String token, String origin) {
    HttpRequest.Builder builder = request(path).header("Cookie", "jwt-token=" + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"));
    return origin == null ? builder : builder.header("Origin", origin);
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return send(request(pathAndQuery));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String queryParameter(String url, String name) {
    for (String pair : URI.create(url).getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      if (pair.substring(0, eq).equals(name)) {
        return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError(name + " missing in " + url);
  }
}
