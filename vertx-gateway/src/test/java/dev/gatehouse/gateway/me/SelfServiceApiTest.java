package dev.gatehouse.gateway.me;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.login.LoginOptions;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.InMemoryActivityRepository;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The caller's own view ({@code /gatehouse/me}) and the console's files through a real gateway: every verified caller
 * reaches it without an activity, nobody without a credential; writes need the write header; API-token calls reach
 * a stand-in for Keycloak's {@code /realms/{realm}/api-tokens} with the caller's own token, and Keycloak's failures
 * become 502/503.
 */
class SelfServiceApiTest {
  private static final String PUBLIC_URL = "http://api.gatehouse.test:8000";
  private static final String FROM_API_TOKEN = "from-api-token";

  private static GatewayHarness gateway;
  private static HttpServer keycloak;
  /** What the stand-in answers next: a status, or 0 for the normal answers. */
  private static final AtomicInteger keycloakStatus = new AtomicInteger();
  private static final List<String> keycloakSaw = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    GatewayHarness probe = null;
    keycloak = GatewayHarness.await(io.vertx.core.Vertx.vertx().createHttpServer().requestHandler(request ->
        request.body().onSuccess(body -> {
          keycloakSaw.add(request.method() + " " + request.path() + " " + request.getHeader("Authorization")
              + (body.length() > 0 ? " " + body : ""));
          int forced = keycloakStatus.get();
          if (forced != 0) {
            request.response().setStatusCode(forced).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", "invalid_request").put("error_description",
                    "\"name\" is required: a short text that tells you what the token is for.").encode());
            return;
          }
          switch (request.method().name()) {
            case "GET" -> request.response().putHeader("Content-Type", "application/json").end(new JsonArray()
                .add(new JsonObject().put("id", "t-1").put("name", "script").put("createdAt", "2026-12-01T00:00:00Z")
                    .putNull("expiresAt").put("lastUsedAt", "2026-12-02T00:00:00Z")).encode());
            case "POST" -> request.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("id", "t-2").put("name", "new").put("token", "gatehouse_pat_secret")
                    .encode());
            case "DELETE" -> request.response().setStatusCode(204).end();
            default -> request.response().setStatusCode(405).end();
          }
        })).listen(0, "127.0.0.1"));
    LoginOptions login = new LoginOptions()
        .setIssuer("http://127.0.0.1:" + keycloak.actualPort() + "/realms/test")
        .setClientId("gateway")
        .setClientSecret("secret")
        .setPublicBaseUrl(PUBLIC_URL)
        .setParentDomain("gatehouse.test")
        .setAllowedPorts(Set.of(8080))
        .setAllowInsecureHttp(true)
        .setStateSecrets(List.of("self-service-test-state-secret-of-32-bytes"));
    gateway = new GatewayHarness(new InMemoryActivityRepository(), login);
    gateway.verifier.accept(FROM_API_TOKEN, new VerifiedToken("sub-2", "reader", "r@example.com",
        Set.of("view-roles"), Set.of("fellow"), "gateway", 4_000_000_000L, "api-token-7"));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    keycloak.close();
  }

  @BeforeEach
  void reset() {
    keycloakStatus.set(0);
    keycloakSaw.clear();
  }

  @Test
  void theConsoleFilesArePublicAndLockedDownByTheirHeaders() throws Exception {
    HttpResponse<String> index = gateway.get("/gatehouse/console/", null);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"));
    assertThat(index.body()).contains("<main id=\"main\"", "app.js");

    HttpResponse<String> script = gateway.get("/gatehouse/console/app.js", null);
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    String etag = script.headers().firstValue("ETag").orElseThrow();
    assertThat(gateway.send(gateway.request("/gatehouse/console/app.js").header("If-None-Match", etag)).statusCode())
        .isEqualTo(304);

    HttpResponse<String> bare = gateway.get("/gatehouse/console", null);
    assertThat(bare.statusCode()).isEqualTo(301);
    assertThat(bare.headers().firstValue("Location")).hasValue("/gatehouse/console/");

    assertThat(gateway.get("/gatehouse/console/secret.txt", null).statusCode())
        .as("only the listed files are public").isEqualTo(401);
    assertThat(gateway.get("/gatehouse/console/secret.txt", GatewayHarness.GOOD).statusCode())
        .as("other console paths meet the activities like any path").isEqualTo(403);
  }

  @Test
  void everyVerifiedCallerSeesThemselvesWithoutAnActivityButNobodyWithoutACredential() throws Exception {
    assertThat(gateway.get("/gatehouse/me", null).statusCode()).isEqualTo(401);
    assertThat(gateway.get("/gatehouse/me", "not-a-known-token").statusCode()).isEqualTo(401);

    HttpResponse<String> reader = gateway.get("/gatehouse/me", GatewayHarness.READER);
    assertThat(reader.statusCode()).isEqualTo(200);
    JsonObject me = new JsonObject(reader.body());
    assertThat(me.getString("sub")).isEqualTo("sub-2");
    assertThat(me.getJsonArray("permissions").getList()).containsExactly("view-roles");
    assertThat(me.getJsonArray("roles").getList()).containsExactly("admin", "fellow");
    assertThat(me.getBoolean("admin")).as("view-roles does not open the admin API").isFalse();
    assertThat(me.getString("credential")).isEqualTo("bearer");
    assertThat(me.containsKey("keycloakAdminConsole")).isFalse();

    JsonObject admin = new JsonObject(gateway.get("/gatehouse/me", GatewayHarness.ADMIN).body());
    assertThat(admin.getBoolean("admin")).isTrue();
    assertThat(admin.getString("keycloakAdminConsole"))
        .isEqualTo("http://127.0.0.1:" + keycloak.actualPort() + "/admin/test/console/");
  }

  @Test
  void myActivitiesAreTheEnforcedOnesMyPermissionsAllow() throws Exception {
    HttpResponse<String> response = gateway.get("/gatehouse/me/activities", GatewayHarness.READER);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonArray activities = new JsonArray(response.body());
    assertThat(activities).hasSize(1);
    assertThat(activities.getJsonObject(0).getString("urlRegex")).isEqualTo("/api/v1/roles");
    assertThat(activities.getJsonObject(0).getJsonArray("grantedBy").getList()).containsExactly("view-roles");
  }

  @Test
  void explainAnswersForTheCallersOwnPermissionsAndNamesWhatWouldAllow() throws Exception {
    HttpResponse<String> denied = gateway.send(write("POST", "/gatehouse/me/explain", GatewayHarness.READER,
        "{\"method\":\"GET\",\"path\":\"/api/v1/users/42\"}"));
    assertThat(denied.statusCode()).isEqualTo(200);
    JsonObject answer = new JsonObject(denied.body());
    assertThat(answer.getBoolean("allowed")).isFalse();
    assertThat(answer.getJsonArray("wouldAllow").getJsonObject(0).getJsonArray("permissions").getList())
        .containsExactly("view-users");

    HttpResponse<String> allowed = gateway.send(write("POST", "/gatehouse/me/explain", GatewayHarness.READER,
        "{\"method\":\"GET\",\"path\":\"/api/v1/roles\"}"));
    assertThat(new JsonObject(allowed.body()).getBoolean("allowed")).isTrue();

    HttpResponse<String> forSomeoneElse = gateway.send(write("POST", "/gatehouse/me/explain", GatewayHarness.READER,
        "{\"method\":\"GET\",\"path\":\"/api/v1/users\",\"permissions\":[\"view-users\"]}"));
    assertThat(forSomeoneElse.statusCode()).as("the body cannot name other permissions").isEqualTo(400);
    assertThat(forSomeoneElse.body()).contains("permissions");
  }

  @Test
  void aDenialNamesTheRolesThatCarryThePermissionThatWouldAllowIt() throws Exception {
    gateway.permissions.carriedBy("view-users", "admin", "talent-manager");

    JsonObject answer = new JsonObject(gateway.send(write("POST", "/gatehouse/me/explain", GatewayHarness.READER,
        "{\"method\":\"GET\",\"path\":\"/api/v1/users/42\"}")).body());

    assertThat(answer.getBoolean("allowed")).isFalse();
    assertThat(answer.getJsonArray("wouldAllow").getJsonObject(0).getJsonObject("rolesCarrying").getJsonArray(
        "view-users").getList()).containsExactly("admin", "talent-manager");
    assertThat(answer.containsKey("rolesUnknown")).isFalse();
  }

  @Test
  void whenKeycloakIsUnreachableTheDenialIsStillExplainedAndSaysTheRolesAreUnknown() throws Exception {
    gateway.permissions.carriedBy("view-users", "admin");
    gateway.permissions.down(true);
    HttpResponse<String> denied;
    try {
      denied = gateway.send(write("POST", "/gatehouse/me/explain", GatewayHarness.READER,
          "{\"method\":\"GET\",\"path\":\"/api/v1/users/42\"}"));
    } finally {
      gateway.permissions.down(false); // the harness is shared by this class's tests
    }

    assertThat(denied.statusCode()).isEqualTo(200);
    JsonObject answer = new JsonObject(denied.body());
    assertThat(answer.getBoolean("allowed")).isFalse();
    JsonObject activity = answer.getJsonArray("wouldAllow").getJsonObject(0);
    assertThat(activity.getJsonArray("permissions").getList()).containsExactly("view-users");
    assertThat(activity.containsKey("rolesCarrying")).isTrue();
    assertThat(activity.getValue("rolesCarrying")).isNull();
    assertThat(answer.getString("rolesUnknown")).contains("cannot be told now").contains("could not be reached");
  }

  @Test
  void cookieWritesWithoutTheWriteHeaderAreRefusedAndChangeNothing() throws Exception {
    HttpResponse<String> token = gateway.send(cookieWrite("/gatehouse/me/api-tokens", GatewayHarness.READER,
        "{\"name\":\"x\"}"));
    assertThat(token.statusCode()).isEqualTo(403);
    assertThat(token.body()).contains("write_header_missing", "X-Requested-With");
    assertThat(keycloakSaw).isEmpty();

    String activity = "{\"method\":\"GET\",\"urlRegex\":\"/api/v1/console\",\"permissions\":[\"view-roles\"]}";
    HttpResponse<String> admin = gateway.send(cookieWrite("/gatehouse/admin/activities", GatewayHarness.ADMIN,
        activity));
    assertThat(admin.statusCode()).as("the admin API's cookie writes too").isEqualTo(403);
    assertThat(admin.body()).contains("write_header_missing");
    assertThat(gateway.get("/gatehouse/admin/activities", GatewayHarness.ADMIN).body()).doesNotContain("/api/v1/console");

    HttpResponse<String> withHeader = gateway.send(cookieWrite("/gatehouse/admin/activities", GatewayHarness.ADMIN,
        activity).header("X-Requested-With", "gatehouse-console"));
    assertThat(withHeader.statusCode()).isEqualTo(201);

    HttpResponse<String> bearer = gateway.send(gateway.request("/gatehouse/me/api-tokens")
        .header("Authorization", "Bearer " + GatewayHarness.READER).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")));
    assertThat(bearer.statusCode()).as("a Bearer request cannot be forged by a page").isEqualTo(201);
  }

  /** A write riding the cookie from the gateway's own origin (it passes the origin check). */
  private static HttpRequest.Builder cookieWrite(String path, String token, String json) {
    return gateway.request(path).header("Cookie", "jwt-token=" + token).header("Origin", PUBLIC_URL)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
  }

  @Test
  void apiTokensAreManagedAtKeycloakWithTheCallersOwnToken() throws Exception {
    HttpResponse<String> list = gateway.send(gateway.request("/gatehouse/me/api-tokens")
        .header("Cookie", "jwt-token=" + GatewayHarness.READER));
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(new JsonArray(list.body()).getJsonObject(0).getString("lastUsedAt")).isEqualTo("2026-12-02T00:00:00Z");

    HttpResponse<String> created = gateway.send(write("POST", "/gatehouse/me/api-tokens", GatewayHarness.READER,
        "{\"name\":\"new\"}"));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.body()).contains("gatehouse_pat_secret");
    assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");

    HttpResponse<String> revoked = gateway.send(write("DELETE", "/gatehouse/me/api-tokens/t-1", GatewayHarness.READER,
        null));
    assertThat(revoked.statusCode()).isEqualTo(204);

    assertThat(keycloakSaw).containsExactly(
        "GET /realms/test/api-tokens Bearer " + GatewayHarness.READER,
        "POST /realms/test/api-tokens Bearer " + GatewayHarness.READER + " {\"name\":\"new\"}",
        "DELETE /realms/test/api-tokens/t-1 Bearer " + GatewayHarness.READER);
  }

  @Test
  void keycloaksRefusalIsShownAndItsFailuresAre502Or503() throws Exception {
    keycloakStatus.set(400);
    HttpResponse<String> refused = gateway.send(write("POST", "/gatehouse/me/api-tokens", GatewayHarness.READER,
        "{}"));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(refused.body()).getString("message")).startsWith("\"name\" is required");

    keycloakStatus.set(500);
    HttpResponse<String> broken = gateway.get("/gatehouse/me/api-tokens", GatewayHarness.READER);
    assertThat(broken.statusCode()).isEqualTo(502);
    assertThat(broken.body()).contains("Keycloak answered 500");
  }

  @Test
  void badTokenIdsAndApiTokenCallersNeverReachKeycloak() throws Exception {
    HttpResponse<String> badId = gateway.send(write("DELETE", "/gatehouse/me/api-tokens/..%3B", GatewayHarness.READER,
        null));
    assertThat(badId.statusCode()).isEqualTo(400);

    HttpResponse<String> viaApiToken = gateway.get("/gatehouse/me/api-tokens", FROM_API_TOKEN);
    assertThat(viaApiToken.statusCode()).isEqualTo(403);
    assertThat(viaApiToken.body()).contains("An API token cannot");
    assertThat(keycloakSaw).isEmpty();
  }

  @Test
  void keycloakUnreachableIs503AndChangesNothing() throws Exception {
    try (GatewayHarness nowhere = new GatewayHarness(null, new LoginOptions()
        .setIssuer("http://127.0.0.1:1/realms/test").setClientId("gateway").setClientSecret("secret")
        .setPublicBaseUrl(PUBLIC_URL).setParentDomain("gatehouse.test").setAllowInsecureHttp(true)
        .setStateSecrets(List.of("self-service-test-state-secret-of-32-bytes")))) {
      HttpResponse<String> response = nowhere.get("/gatehouse/me/api-tokens", GatewayHarness.READER);
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("Keycloak cannot be reached");
    }
  }

  private static HttpRequest.Builder write(String method, String path, String bearer, String json) {
    HttpRequest.Builder request = gateway.request(path).header("Authorization", "Bearer " + bearer)
        .header("X-Requested-With", "test");
    if (json == null) {
      return request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
  }
}
