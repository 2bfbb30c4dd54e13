package dev.gatehouse.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.login.LoginOptions;
import dev.gatehouse.gateway.testing.GatewayHarness;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where the browser login sits in the gateway's chain: {@code /auth/*} answered by the login before the access
 * gate, CORS and the cookie CSRF check in front of the token check on proxied routes, and none of it without a
 * {@code login} section.
 */
class LoginWiringTest {
  private static final String APP = "http://app1.gatehouse.test:8080";
  private static final String EVIL = "http://evil.example";

  private static GatewayHarness withLogin;
  private static GatewayHarness withoutLogin;

  @BeforeAll
  static void start() throws Exception {
    LoginOptions login = new LoginOptions()
        // Nothing listens there: these tests never get as far as Keycloak.
        .setIssuer("http://127.0.0.1:1/realms/test")
        .setClientId("gateway")
        .setClientSecret("secret")
        .setPublicBaseUrl("http://api.gatehouse.test:8000")
        .setParentDomain("gatehouse.test")
        .setAllowedPorts(java.util.Set.of(8080))
        .setAllowInsecureHttp(true)
        .setStateSecrets(List.of("wiring-test-state-secret-of-32-bytes-or-more"));
    withLogin = new GatewayHarness(null, login);
    withoutLogin = new GatewayHarness(null);
  }

  @AfterAll
  static void stop() throws Exception {
    withLogin.close();
    withoutLogin.close();
  }

  @Test
  void loginEndpointsAnswerWithoutACredentialAheadOfTheGate() throws Exception {
    HttpResponse<String> refused = withLogin.get("/auth/login?redirect=" + enc("https://evil.example/"), null);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("redirect_refused");

    HttpResponse<String> whoami = withLogin.get("/auth/whoami", null);
    assertThat(whoami.statusCode()).isEqualTo(401);
    assertThat(whoami.body()).contains("not_logged_in");

    HttpResponse<String> me = withLogin.send(withLogin.request("/auth/whoami")
        .header("Cookie", "jwt-token=" + GatewayHarness.GOOD));
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.body()).contains("\"sub\":\"sub-1\"");
  }

  @Test
  void anAuthPathTheLoginDoesNotServeStillMeetsTheGate() throws Exception {
    HttpResponse<String> response = withLogin.get("/auth/anything-else", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
  }

  @Test
  void withoutALoginSectionThereAreNoAuthRoutes() throws Exception {
    HttpResponse<String> response = withoutLogin.get("/auth/login?redirect=" + enc(APP + "/"), null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).doesNotContain("redirect_refused");
  }

  @Test
  void aPreflightFromOurAppIsAnsweredBeforeAnyTokenIsAsked() throws Exception {
    HttpResponse<String> ours = withLogin.send(preflight(APP));
    assertThat(ours.statusCode()).isEqualTo(204);
    assertThat(ours.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
    assertThat(ours.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");

    HttpResponse<String> theirs = withLogin.send(preflight(EVIL));
    assertThat(theirs.statusCode()).isEqualTo(403);
    assertThat(theirs.body()).contains("cors_refused");
    assertThat(theirs.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void aProxiedAnswerToOurAppCarriesTheCorsHeaders() throws Exception {
    HttpResponse<String> response = withLogin.send(withLogin.request("/api/v1/users")
        .header("Origin", APP).header("Cookie", "jwt-token=" + GatewayHarness.GOOD));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
    assertThat(response.headers().allValues("Vary")).anySatisfy(vary -> assertThat(vary).contains("Origin"));
  }

  @Test
  void aCrossSiteUnsafeRequestRidingTheCookieIsRefusedBeforeTheTokenIsHonoured() throws Exception {
    HttpResponse<String> forged = withLogin.send(post(EVIL).header("Cookie", "jwt-token=" + GatewayHarness.GOOD));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("cross_site_request");

    HttpResponse<String> fromOurApp = withLogin.send(post(APP).header("Cookie", "jwt-token=" + GatewayHarness.GOOD));
    assertThat(fromOurApp.statusCode()).isEqualTo(201);

    HttpResponse<String> bearer = withLogin.send(post(EVIL).header("Authorization", "Bearer " + GatewayHarness.GOOD));
    assertThat(bearer.statusCode()).as("Bearer requests are exempt").isEqualTo(201);
  }

  @Test
  void withoutLoginOnlyTheGatewaysOwnOriginMayRideTheCookie() throws Exception {
    HttpResponse<String> foreign = withoutLogin.send(withoutLogin.request("/api/v1/feedback")
        .header("Origin", EVIL).header("Cookie", "jwt-token=" + GatewayHarness.GOOD)
        .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body()).contains("cross_site_request");
    assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).as("no CORS without login").isEmpty();

    HttpResponse<String> own = withoutLogin.send(withoutLogin.request("/api/v1/feedback")
        .header("Origin", "http://127.0.0.1:" + withoutLogin.port).header("Cookie", "jwt-token=" + GatewayHarness.GOOD)
        .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(own.statusCode()).isEqualTo(201);
  }

  private static HttpRequest.Builder preflight(String origin) {
    return withLogin.request("/api/v1/users").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", origin).header("Access-Control-Request-Method", "GET");
  }

  private static HttpRequest.Builder post(String origin) {
    return withLogin.request("/api/v1/feedback").header("Origin", origin)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
