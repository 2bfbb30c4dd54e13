package dev.gatehouse.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a stub of Keycloak's token endpoint and the extension pack's {@code /realms/{realm}/gatehouse-permissions} on
 * 127.0.0.1 (the real ones: AdminApiIT, PermissionCatalogIT).
 */
class KeycloakPermissionCatalogTest {
  private static final String SECRET = "s3cret: & more";
  private static final String CATALOG_PATH = "/realms/test/gatehouse-permissions";

  private final Vertx vertx = Vertx.vertx();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private volatile int tokenStatus = 200;
  private volatile int catalogStatus = 200;
  private volatile String catalogError = "{\"error\":\"access_denied\",\"error_description\":\"needs the realm role\"}";
  private volatile String rejectTokensBefore = "";
  private volatile int tokensIssued;
  private volatile List<String> roles = List.of("view-roles", "manage-activities");
  private volatile String permissionsClient = "gatehouse-permissions";
  private volatile boolean extensionInstalled = true;
  /** Replaces the 200 answer's body when set. */
  private volatile String okBody;
  private HttpServer keycloak;
  private WebClient client;

  @BeforeEach
  void start() throws Exception {
    keycloak = await(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private void handle(HttpServerRequest request) {
    calls.add(request.method() + " " + request.uri());
    if (request.path().equals("/realms/test/protocol/openid-connect/token")) {
      request.body().onSuccess(body -> {
        String expected = "Basic " + Base64.getEncoder().encodeToString(("gateway:"
            + java.net.URLEncoder.encode(SECRET, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        boolean ok = tokenStatus == 200 && expected.equals(request.getHeader("Authorization"))
            && body.toString().equals("grant_type=client_credentials");
        JsonObject answer = ok ? new JsonObject().put("access_token", "token-" + (++tokensIssued))
            .put("expires_in", 300).put("token_type", "Bearer")
            : new JsonObject().put("error", "unauthorized_client");
        request.response().setStatusCode(ok ? 200 : tokenStatus == 200 ? 401 : tokenStatus).end(answer.encode());
      });
      return;
    }
    if (request.path().startsWith(CATALOG_PATH + "/") && extensionInstalled
        && String.valueOf(request.getHeader("Authorization")).startsWith("Bearer token-")) {
      answerSubject(request);
      return;
    }
    if (!request.path().equals(CATALOG_PATH) || !extensionInstalled) {
      // What Keycloak answers for a path no provider serves.
      request.response().setStatusCode(404).end("{\"error\":\"Unable to find matching target resource method\"}");
      return;
    }
    String bearer = String.valueOf(request.getHeader("Authorization"));
    if (!bearer.startsWith("Bearer token-") || bearer.compareTo("Bearer " + rejectTokensBefore) < 0) {
      request.response().setStatusCode(401).end("{\"error\":\"invalid_token\"}");
      return;
    }
    if (catalogStatus != 200) {
      request.response().setStatusCode(catalogStatus).end(catalogError);
      return;
    }
    if (okBody != null) {
      request.response().end(okBody);
      return;
    }
    JsonArray permissions = new JsonArray();
    roles.forEach(name -> permissions.add(new JsonObject().put("name", name).put("description", "about " + name)));
    request.response().end(new JsonObject().put("client", permissionsClient).put("permissions", permissions).encode());
  }

  private PermissionCheckOptions options() {
    return new PermissionCheckOptions().setKeycloakUrl("http://127.0.0.1:" + keycloak.actualPort()).setRealm("test")
        .setClientId("gateway").setClientSecret(SECRET).setHttpTimeoutMillis(10_000).validate();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(Future<?> future) throws Exception {
    try {
      await(future);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void namesTheUnknownPermissionsAndReusesTheServiceAccountToken() throws Exception {
    KeycloakPermissionCatalog catalog = new KeycloakPermissionCatalog(client, options());

    assertThat(await(catalog.unknown(Set.of("view-roles", "veiw-users", "manage-activities"))))
        .containsExactly("veiw-users");
    roles = List.of("view-roles", "veiw-users", "manage-activities");
    assertThat(await(catalog.unknown(Set.of("view-roles", "veiw-users")))).as("a role created a moment ago is known")
        .isEmpty();
    assertThat(await(catalog.unknown(Set.of()))).isEmpty();

    assertThat(calls.stream().filter(call -> call.contains("/token")).count()).as("one token, reused").isEqualTo(1);
    assertThat(calls).as("only the token endpoint and the narrow list, never the admin API")
        .containsOnly("POST /realms/test/protocol/openid-connect/token", "GET " + CATALOG_PATH);
    assertThat(catalog.source()).contains("'gatehouse-permissions'", "'test'");
  }

  @Test
  void aTokenKeycloakNoLongerTakesIsReplacedOnce() throws Exception {
    KeycloakPermissionCatalog catalog = new KeycloakPermissionCatalog(client, options());
    await(catalog.unknown(Set.of("view-roles")));
    rejectTokensBefore = "token-2";

    assertThat(await(catalog.unknown(Set.of("view-roles")))).isEmpty();
    assertThat(tokensIssued).isEqualTo(2);
  }

  @Test
  void everyProblemFailsClosedWithAMessageSayingWhatToFix() throws Exception {
    KeycloakPermissionCatalog catalog = new KeycloakPermissionCatalog(client, options());

    catalogStatus = 403;
    Throwable forbidden = failureOf(catalog.unknown(Set.of("view-roles")));
    catalogStatus = 500;
    catalogError = "oops";
    Throwable failing = failureOf(catalog.unknown(Set.of("view-roles")));
    catalogStatus = 404;
    catalogError = "{\"error\":\"permissions_client_not_found\",\"error_description\":\"Realm 'test' has no client"
        + " 'gatehouse-permissions'\"}";
    Throwable noClient = failureOf(catalog.unknown(Set.of("view-roles")));
    catalogStatus = 200;
    permissionsClient = "acme-permissions";
    Throwable otherClient = failureOf(catalog.unknown(Set.of("view-roles")));
    extensionInstalled = false;
    Throwable noExtension = failureOf(catalog.unknown(Set.of("view-roles")));
    tokenStatus = 401;
    Throwable refusedClient = failureOf(new KeycloakPermissionCatalog(client, options()).unknown(Set.of("x")));
    Throwable noSecret = failureOf(new KeycloakPermissionCatalog(client, options().setClientSecret(null))
        .unknown(Set.of("x")));

    assertThat(forbidden).isInstanceOf(PermissionCatalogUnavailableException.class)
        .hasMessageContaining("HTTP 403").hasMessageContaining("needs the realm role")
        .hasMessageContaining("give that service account the realm role gatehouse-permission-reader");
    assertThat(failing).isInstanceOf(PermissionCatalogUnavailableException.class).hasMessageContaining("HTTP 500");
    assertThat(noClient).isInstanceOf(PermissionCatalogUnavailableException.class)
        .hasMessageContaining("HTTP 404").hasMessageContaining("has no client 'gatehouse-permissions'");
    assertThat(otherClient).isInstanceOf(PermissionCatalogUnavailableException.class)
        .hasMessageContaining("'acme-permissions'").hasMessageContaining("admin.permissionCheck.permissionsClient is"
            + " 'gatehouse-permissions'");
    assertThat(noExtension).isInstanceOf(PermissionCatalogUnavailableException.class)
        .hasMessageContaining("install the Gatehouse extension pack");
    assertThat(refusedClient).isInstanceOf(PermissionCatalogUnavailableException.class)
        .hasMessageContaining("refused the client credentials").hasMessageContaining("unauthorized_client")
        .hasMessageNotContaining(SECRET);
    assertThat(noSecret).isInstanceOf(PermissionCatalogUnavailableException.class)
        .hasMessageContaining("no secret");
  }

  @Test
  void anEmptyListMakesEveryNameUnknownAndAnAnswerWithoutAListFailsClosed() throws Exception {
    KeycloakPermissionCatalog catalog = new KeycloakPermissionCatalog(client, options());
    roles = List.of();
    assertThat(await(catalog.unknown(Set.of("view-roles")))).containsExactly("view-roles");

    okBody = "{\"client\":\"gatehouse-permissions\",\"roles\":[]}";
    Throwable noList = failureOf(catalog.unknown(Set.of("view-roles")));
    okBody = "[\"view-roles\"]";
    Throwable notAnObject = failureOf(catalog.unknown(Set.of("view-roles")));

    assertThat(noList).isInstanceOf(PermissionCatalogUnavailableException.class)
        .hasMessageContaining("no \"permissions\" list");
    assertThat(notAnObject).isInstanceOf(PermissionCatalogUnavailableException.class)
        .hasMessageContaining("no \"permissions\" list");
  }

  @Test
  void anUnreachableKeycloakFailsClosed() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    KeycloakPermissionCatalog catalog = new KeycloakPermissionCatalog(client,
        options().setKeycloakUrl("http://127.0.0.1:" + closedPort));

    assertThat(failureOf(catalog.unknown(Set.of("view-roles"))))
        .isInstanceOf(PermissionCatalogUnavailableException.class)
        .hasMessageContaining("could not be reached").hasMessageContaining("127.0.0.1:" + closedPort);
  }

  /** The extension pack's sub-resources: carol and reporting-service known, disabled-dan disabled, others 404. */
  private void answerSubject(HttpServerRequest request) {
    String rest = request.path().substring(CATALOG_PATH.length() + 1);
    JsonObject ok = switch (rest) {
      case "users/carol/permissions" -> new JsonObject().put("kind", "user").put("name", "carol").put("enabled", true)
          .put("client", permissionsClient).put("permissions", new JsonArray().add("view-roles").add("view-users"));
      case "users/disabled-dan/permissions" -> new JsonObject().put("kind", "user").put("name", "disabled-dan")
          .put("enabled", false).put("client", permissionsClient).put("permissions", new JsonArray().add("view-roles"));
      case "permissions/view-users/roles" -> new JsonObject().put("permission", "view-users")
          .put("client", permissionsClient).put("realmRoles", new JsonArray().add("admin").add("talent-manager"));
      case "clients/reporting%20service/permissions" -> new JsonObject().put("kind", "client")
          .put("name", "reporting service").put("enabled", true).put("client", permissionsClient)
          .put("permissions", new JsonArray());
      default -> null;
    };
    if (ok != null) {
      request.response().end(ok.encode());
      return;
    }
    String kind = rest.substring(0, rest.indexOf('/') - 1);
    request.response().setStatusCode(404).end(new JsonObject().put("error", kind + "_not_found")
        .put("error_description", "Realm 'test' has no " + kind + " like that.").encode());
  }

  @Test
  void resolvesTheEffectivePermissionsOfUsersAndClientsAndNamesUnknownSubjects() throws Exception {
    KeycloakPermissionCatalog catalog = new KeycloakPermissionCatalog(client, options());

    SubjectPermissions carol = await(catalog.permissionsOf(new PolicySubject(PolicySubject.Kind.USER, "carol")));
    SubjectPermissions dan = await(catalog.permissionsOf(new PolicySubject(PolicySubject.Kind.USER, "disabled-dan")));
    SubjectPermissions service = await(catalog.permissionsOf(
        new PolicySubject(PolicySubject.Kind.CLIENT, "reporting service")));
    Throwable unknownRole = failureOf(catalog.permissionsOf(new PolicySubject(PolicySubject.Kind.ROLE, "nobody")));

    assertThat(carol).isEqualTo(new SubjectPermissions(Set.of("view-roles", "view-users"), true));
    assertThat(dan.enabled()).isFalse();
    assertThat(service.permissions()).isEmpty();
    assertThat(unknownRole).isInstanceOf(UnknownSubjectException.class)
        .hasMessage("Realm 'test' has no role like that.");
    assertThat(calls).contains("GET " + CATALOG_PATH + "/clients/reporting%20service/permissions");
  }

  @Test
  void namesTheRealmRolesCarryingAPermissionAndNoneForANameThatIsNotOne() throws Exception {
    KeycloakPermissionCatalog catalog = new KeycloakPermissionCatalog(client, options());

    assertThat(await(catalog.rolesCarrying("view-users"))).containsExactly("admin", "talent-manager");
    assertThat(await(catalog.rolesCarrying("no-such"))).as("404 permission_not_found: no role carries it").isEmpty();
    assertThat(calls).contains("GET " + CATALOG_PATH + "/permissions/view-users/roles");

    extensionInstalled = false;
    assertThat(failureOf(catalog.rolesCarrying("view-users"))).isInstanceOf(PermissionCatalogUnavailableException.class)
        .hasMessageContaining("install the Gatehouse extension pack");
  }

  @Test
  void subjectsFailClosedWhenKeycloakIsUnreachableOrTheExtensionPackIsOld() throws Exception {
    extensionInstalled = false;
    Throwable old = failureOf(new KeycloakPermissionCatalog(client, options())
        .permissionsOf(new PolicySubject(PolicySubject.Kind.USER, "carol")));
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    Throwable unreachable = failureOf(new KeycloakPermissionCatalog(client, new PermissionCheckOptions()
        .setKeycloakUrl("http://127.0.0.1:" + closed).setRealm("test").setClientSecret(SECRET).validate())
        .permissionsOf(new PolicySubject(PolicySubject.Kind.USER, "carol")));

    assertThat(old).isInstanceOf(PermissionCatalogUnavailableException.class)
        .hasMessageContaining("install the Gatehouse extension pack");
    assertThat(unreachable).isInstanceOf(PermissionCatalogUnavailableException.class)
        .hasMessageContaining("could not be reached");
  }
}
