package dev.gatehouse.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.testing.FakePermissionCatalog;
import dev.gatehouse.gateway.testing.FakePolicy;
import dev.gatehouse.gateway.testing.InMemoryActivityRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin API's robot endpoints against a stand-in Keycloak: each call goes to the extension pack with the
 * gateway's service-account token (never the caller's), answers are relayed uncached, and refusals say what to fix.
 */
class RobotsAdminApiTest {
  private static final String REALM_PATH = "/admin/realms/test/api-tokens";

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private volatile boolean grantMissing;
  private volatile boolean tokenSourceDown;
  private int gatewayPort;
  /** The pack's answer: it offers every application role, including those this gateway refuses. */
  private static final JsonObject ROLE_LISTING = new JsonObject().put("robot", "partner-acme")
      .put("assigned", new JsonArray().add(new JsonObject().put("name", "default-roles-test")))
      .put("assignable", new JsonArray()
          .add(new JsonObject().put("name", "admin").put("description", "Gatehouse administrators"))
          .add(new JsonObject().put("name", "deleted-meanwhile"))
          .add(new JsonObject().put("name", "partner").put("description", "Partner programs")));
  /** What the fake pack answers for r-1's roles. */
  private volatile JsonObject roleListing = ROLE_LISTING;
  private final FakePermissionCatalog catalog = new FakePermissionCatalog()
      .subject(PolicySubject.Kind.ROLE, "partner", true, "view-roles")
      .subject(PolicySubject.Kind.ROLE, "admin", true, "view-roles", "manage-activities");
  private final FakePolicy policy = new FakePolicy()
      .allow("GET", "/gatehouse/admin/activities(/.*)?", "manage-activities");

  @BeforeEach
  void start() throws Exception {
    HttpServer keycloak = await(vertx.createHttpServer().requestHandler(this::keycloak).listen(0, "127.0.0.1"));
    RobotsAdminApi robots = new RobotsAdminApi(WebClient.create(vertx),
        "http://127.0.0.1:" + keycloak.actualPort() + "/admin/realms/test",
        () -> tokenSourceDown ? Future.failedFuture(new PermissionCatalogUnavailableException("Keycloak at"
            + " http://127.0.0.1:1 could not be reached")) : Future.succeededFuture("gateway-sa-token"), 5_000)
        .withRoleGuard(catalog, () -> policy);
    ActivitiesAdminApi admin = new ActivitiesAdminApi(new InMemoryActivityRepository(), (method, regex) -> { },
        64 * 1024, null, catalog).withRobots(robots);
    Router router = Router.router(vertx);
    admin.mount(router, vertx);
    gatewayPort = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private void keycloak(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      calls.add(request.method() + " " + request.path() + " " + request.getHeader("Authorization") + " "
          + body.toString());
      if (grantMissing) {
        request.response().setStatusCode(403).end("{\"error\":\"unknown_error\"}");
        return;
      }
      String path = request.path();
      if (path.equals(REALM_PATH + "/robots") && request.method().name().equals("GET")) {
        request.response().end(new JsonArray().add(new JsonObject().put("id", "r-1").put("username", "partner-acme"))
            .encode());
      } else if (path.equals(REALM_PATH + "/robots")) {
        request.response().setStatusCode(201).end(new JsonObject().put("id", "r-2").put("username", "new-bot")
            .encode());
      } else if (path.equals(REALM_PATH + "/users/r-1/tokens")) {
        request.response().setStatusCode(201).end(new JsonObject().put("id", "t-1").put("token", "gh_secret")
            .encode());
      } else if (path.equals(REALM_PATH + "/users/person-1/tokens")) {
        request.response().setStatusCode(403).end(new JsonObject().put("error", "access_denied")
            .put("error_description", "'carol' is not a robot user").encode());
      } else if (path.startsWith(REALM_PATH + "/robots/r-1/roles")) {
        request.response().end(roleListing.encode());
      } else if (path.startsWith(REALM_PATH + "/robots/person-1/roles")) {
        request.response().setStatusCode(403).end(new JsonObject().put("error", "access_denied")
            .put("error_description", "User 'person-1' is not a robot user").encode());
      } else if (path.equals(REALM_PATH + "/users/r-1/t-1")) {
        request.response().setStatusCode(204).end();
      } else {
        request.response().setStatusCode(404).end();
      }
    });
  }

  private HttpResponse<String> send(String method, String path, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void listsCreatesIssuesAndRevokesWithTheGatewaysOwnServiceAccount() throws Exception {
    HttpResponse<String> list = send("GET", "/gatehouse/admin/robots", null);
    HttpResponse<String> created = send("POST", "/gatehouse/admin/robots", "{\"username\":\"new-bot\"}");
    HttpResponse<String> issued = send("POST", "/gatehouse/admin/robots/r-1/tokens", "{\"name\":\"acme\"}");
    HttpResponse<String> revoked = send("DELETE", "/gatehouse/admin/robots/r-1/tokens/t-1", null);

    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("partner-acme");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(issued.statusCode()).isEqualTo(201);
    assertThat(issued.body()).contains("gh_secret");
    assertThat(issued.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(revoked.statusCode()).isEqualTo(204);
    assertThat(calls).containsExactly(
        "GET " + REALM_PATH + "/robots Bearer gateway-sa-token ",
        "POST " + REALM_PATH + "/robots Bearer gateway-sa-token {\"username\":\"new-bot\"}",
        "POST " + REALM_PATH + "/users/r-1/tokens Bearer gateway-sa-token {\"name\":\"acme\"}",
        "DELETE " + REALM_PATH + "/users/r-1/t-1 Bearer gateway-sa-token ");
  }

  @Test
  void aRobotsRolesAreListedGivenAndTakenThroughThePack() throws Exception {
    HttpResponse<String> listed = send("GET", "/gatehouse/admin/robots/r-1/roles", null);
    HttpResponse<String> given = send("PUT", "/gatehouse/admin/robots/r-1/roles/partner", null);
    HttpResponse<String> taken = send("DELETE", "/gatehouse/admin/robots/r-1/roles/partner", null);

    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(given.statusCode()).isEqualTo(200);
    assertThat(taken.statusCode()).isEqualTo(200);
    assertThat(calls).containsExactly(
        "GET " + REALM_PATH + "/robots/r-1/roles Bearer gateway-sa-token ",
        "PUT " + REALM_PATH + "/robots/r-1/roles/partner Bearer gateway-sa-token ",
        "DELETE " + REALM_PATH + "/robots/r-1/roles/partner Bearer gateway-sa-token ");
  }

  @Test
  void theListingMarksTheRolesThisGatewayRefusesAndKeepsThePacksFields() throws Exception {
    HttpResponse<String> listed = send("GET", "/gatehouse/admin/robots/r-1/roles", null);
    HttpResponse<String> given = send("PUT", "/gatehouse/admin/robots/r-1/roles/partner", null);

    assertThat(listed.statusCode()).isEqualTo(200);
    JsonObject listing = new JsonObject(listed.body());
    assertThat(listing.getString("robot")).isEqualTo("partner-acme");
    assertThat(listing.getJsonArray("assigned")).isEqualTo(ROLE_LISTING.getJsonArray("assigned"));
    JsonObject admin = assignable(listing, "admin");
    assertThat(admin.getString("description")).isEqualTo("Gatehouse administrators");
    assertThat(admin.getString("refused")).contains("open Gatehouse's admin API");
    assertThat(assignable(listing, "deleted-meanwhile").getString("refused")).contains("no realm role");
    assertThat(assignable(listing, "partner").fieldNames()).containsExactlyInAnyOrder("name", "description");
    assertThat(assignable(new JsonObject(given.body()), "admin").getString("refused"))
        .as("the listing PUT answers, which the console shows next, is marked too").contains("admin API");
  }

  @Test
  void anAssignedRoleThatOpensTheAdminApiIsWarnedOfAndOthersAreLeftAsThePackSentThem() throws Exception {
    roleListing = ROLE_LISTING.copy();
    roleListing.getJsonArray("assigned").add(new JsonObject().put("name", "admin"))
        .add(new JsonObject().put("name", "partner"));

    JsonObject listing = new JsonObject(send("GET", "/gatehouse/admin/robots/r-1/roles", null).body());

    JsonArray assigned = listing.getJsonArray("assigned");
    assertThat(assigned.getJsonObject(1).getString("warning")).contains("open Gatehouse's admin API")
        .contains("until the role is taken away");
    assertThat(assigned.getJsonObject(0).fieldNames()).containsExactly("name");
    assertThat(assigned.getJsonObject(2).fieldNames()).containsExactly("name");
  }

  @Test
  void withoutALoadedPolicyOrKeycloakEveryOfferedRoleIsUncheckedNeverSilentlyFine() throws Exception {
    policy.loaded(false);
    int askedBefore = catalog.subjectsAsked();
    JsonObject notLoaded = new JsonObject(send("GET", "/gatehouse/admin/robots/r-1/roles", null).body());
    assertThat(catalog.subjectsAsked()).as("no lookup without a policy to decide with").isEqualTo(askedBefore);
    policy.loaded(true);
    catalog.down(true);
    JsonObject keycloakDown = new JsonObject(send("GET", "/gatehouse/admin/robots/r-1/roles", null).body());

    for (String role : List.of("admin", "deleted-meanwhile", "partner")) {
      assertThat(assignable(notLoaded, role).getString("unchecked")).contains("policy is not loaded yet");
      assertThat(assignable(notLoaded, role).containsKey("refused")).isFalse();
      assertThat(assignable(keycloakDown, role).getString("unchecked")).contains("could not be reached");
    }
  }

  private static JsonObject assignable(JsonObject listing, String name) {
    return listing.getJsonArray("assignable").stream().map(JsonObject.class::cast)
        .filter(role -> name.equals(role.getString("name"))).findFirst().orElseThrow();
  }

  @Test
  void aRoleThatOpensTheAdminApiOrAnUnknownRoleIsNeverGivenAndKeycloakIsNotAsked() throws Exception {
    HttpResponse<String> admin = send("PUT", "/gatehouse/admin/robots/r-1/roles/admin", null);
    HttpResponse<String> unknown = send("PUT", "/gatehouse/admin/robots/r-1/roles/no-such-role", null);
    HttpResponse<String> badName = send("PUT", "/gatehouse/admin/robots/r-1/roles/a%2Fb", null);
    policy.loaded(false);
    HttpResponse<String> notLoaded = send("PUT", "/gatehouse/admin/robots/r-1/roles/partner", null);

    assertThat(admin.statusCode()).isEqualTo(403);
    assertThat(admin.body()).contains("role_not_assignable").contains("must not administer Gatehouse");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("no-such-role");
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(notLoaded.statusCode()).isEqualTo(503);
    assertThat(calls).as("nothing reached Keycloak's role mappings").isEmpty();
  }

  @Test
  void aPersonsRolesAreRefusedWithTheExtensionPacksReason() throws Exception {
    HttpResponse<String> refused = send("PUT", "/gatehouse/admin/robots/person-1/roles/partner", null);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("not a robot user");
  }

  @Test
  void aPersonsTokensAreRefusedWithTheExtensionPacksReason() throws Exception {
    HttpResponse<String> refused = send("POST", "/gatehouse/admin/robots/person-1/tokens", "{\"name\":\"x\"}");

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("not a robot user");
  }

  @Test
  void badInputIsRefusedBeforeKeycloakIsAsked() throws Exception {
    assertThat(send("DELETE", "/gatehouse/admin/robots/r-1/tokens/bad%20id", null).statusCode()).isEqualTo(400);
    assertThat(send("GET", "/gatehouse/admin/robots/..%2Fusers/tokens", null).statusCode()).isEqualTo(400);
    HttpResponse<String> notJson = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort
        + "/gatehouse/admin/robots")).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("username=x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(notJson.statusCode()).isEqualTo(415);
    assertThat(calls).isEmpty();
  }

  @Test
  void aMissingGrantOrUnreachableKeycloakIs503SayingWhatToFix() throws Exception {
    grantMissing = true;
    HttpResponse<String> noGrant = send("GET", "/gatehouse/admin/robots", null);
    grantMissing = false;
    tokenSourceDown = true;
    HttpResponse<String> down = send("GET", "/gatehouse/admin/robots", null);

    assertThat(noGrant.statusCode()).isEqualTo(503);
    assertThat(noGrant.body()).contains("gatehouse-robot-manager");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body()).contains("could not be reached");
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
