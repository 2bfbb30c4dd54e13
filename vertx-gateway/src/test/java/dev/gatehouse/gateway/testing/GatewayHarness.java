package dev.gatehouse.gateway.testing;

import dev.gatehouse.demo.DemoService;
import dev.gatehouse.gateway.GatewayVerticle;
import dev.gatehouse.gateway.admin.ActivitiesAdminApi;
import dev.gatehouse.gateway.admin.ActivityRepository;
import dev.gatehouse.gateway.admin.ExplainHandler;
import dev.gatehouse.gateway.audit.RequestAudit;
import dev.gatehouse.gateway.admin.ServiceRepository;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.GatewayRoutes;
import dev.gatehouse.gateway.http.RequestTarget;
import dev.gatehouse.gateway.login.LoginOptions;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.token.VerifiedToken;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A real gateway on 127.0.0.1 in front of the real demo service, a never-answering upstream and a closed port;
 * only the verifier and the policy are doubles.
 */
public final class GatewayHarness implements AutoCloseable {
  public static final String GOOD = "good-token";
  public static final String READER = "reader-token";
  public static final String ADMIN = "admin-token";
  public static final String HUGE = "huge-token";

  public final Vertx vertx = Vertx.vertx();
  public final FakeVerifier verifier = new FakeVerifier();
  public final FakePolicy policy = new FakePolicy();
  public final GatewayMetrics metrics = new GatewayMetrics();
  /** The permissions the admin API treats as existing in Keycloak. */
  public final FakePermissionCatalog permissions = new FakePermissionCatalog()
      .know("view-roles", "view-users", "view-skills", "manage-activities");
  public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  public final int port;
  public final int demoPort;
  private final String deploymentId;

  public GatewayHarness(ActivityRepository repository) throws Exception {
    this(repository, (LoginOptions) null);
  }

  /** With the browser login mounted ({@code login} null: without). */
  public GatewayHarness(ActivityRepository repository, LoginOptions login) throws Exception {
    this(repository, login, json -> { }, 1);
  }

  /** {@code tweak} edits the JSON configuration (routes, limits) before it is validated. */
  public static GatewayHarness withConfig(Consumer<JsonObject> tweak) throws Exception {
    return new GatewayHarness(null, null, tweak, 1);
  }

  /**
   * {@code configure} edits the gateway's JSON config before it is loaded (TLS, trusted proxies, extra routes);
   * {@code instances} server verticles share the port, as in production.
   */
  public GatewayHarness(ActivityRepository repository, LoginOptions login, Consumer<JsonObject> configure,
      int instances) throws Exception {
    this(repository, login, configure, instances, RevocationGuard.alwaysFresh());
  }

  /** With live revocation enforced from {@code revocations}. */
  public static GatewayHarness withRevocations(RevocationGuard revocations) throws Exception {
    return withRevocations(revocations, json -> { });
  }

  /** With live revocation, and {@code configure} editing the JSON configuration first. */
  public static GatewayHarness withRevocations(RevocationGuard revocations, Consumer<JsonObject> configure)
      throws Exception {
    return new GatewayHarness(new InMemoryActivityRepository(), null, configure, 1, revocations);
  }

  /** With the services endpoints of the admin API over {@code services}. */
  public static GatewayHarness withServices(ActivityRepository repository, ServiceRepository services)
      throws Exception {
    return new GatewayHarness(repository, null, json -> { }, 1, RevocationGuard.alwaysFresh(), services);
  }

  /** With the decision audit trail and tracing hooks wired (issue #16); {@code configure} as above. */
  public static GatewayHarness observed(Consumer<JsonObject> configure, RevocationGuard revocations,
      RequestAudit audit, GatewayTracing tracing) throws Exception {
    return new GatewayHarness(null, null, configure, 1, revocations, null, audit, tracing);
  }

  private GatewayHarness(ActivityRepository repository, LoginOptions login, Consumer<JsonObject> configure,
      int instances, RevocationGuard revocations)
      throws Exception {
    this(repository, login, configure, instances, revocations, null);
  }

  private GatewayHarness(ActivityRepository repository, LoginOptions login, Consumer<JsonObject> configure,
      int instances, RevocationGuard revocations, ServiceRepository services) throws Exception {
    this(repository, login, configure, instances, revocations, services, RequestAudit.off(), GatewayTracing.off());
  }

  private GatewayHarness(ActivityRepository repository, LoginOptions login, Consumer<JsonObject> configure,
      int instances, RevocationGuard revocations, ServiceRepository services, RequestAudit audit,
      GatewayTracing tracing) throws Exception {
    HttpServer demo = await(DemoService.start(vertx, "127.0.0.1", 0));
    HttpServer silent = await(vertx.createHttpServer().requestHandler(request -> { }).listen(0, "127.0.0.1"));
    demoPort = demo.actualPort();
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    JsonObject json = new JsonObject()
        .put("listen", new JsonObject().put("port", 0))
        .put("token", new JsonObject().put("issuer", "http://127.0.0.1:1/realms/test")
            .put("jwksUrl", "http://127.0.0.1:1/jwks").put("audiences", new JsonArray().add("gatehouse")))
        .put("routes", new JsonArray()
            .add(new JsonObject().put("prefix", "/api").put("upstream", "http://127.0.0.1:" + demo.actualPort()))
            .add(new JsonObject().put("prefix", "/slow").put("upstream", "http://127.0.0.1:" + silent.actualPort())
                .put("timeoutMillis", 300))
            .add(new JsonObject().put("prefix", "/down").put("upstream", "http://127.0.0.1:" + closedPort)))
        .put("identity", new JsonObject().put("maxHeaderBytes", 4096));
    configure.accept(json);
    GatewayConfig config = GatewayConfig.fromJson(json, Map.of());

    verifier.accept(GOOD, token("sub-1", Set.of("view-users", "edit-feedback", "use-everything")))
        .accept(READER, token("sub-2", Set.of("view-roles")))
        .accept(ADMIN, token("sub-admin", Set.of("manage-activities")));
    java.util.Set<String> many = new java.util.HashSet<>();
    for (int i = 0; i < 400; i++) {
      many.add("permission-number-" + i);
    }
    many.add("use-everything");
    verifier.accept(HUGE, token("sub-huge", many));
    policy.allow("GET", "/api/v1/roles", "view-roles")
        .allow("GET", "/api/v1/users(/[^/]+)?", "view-users")
        .allow("POST", "/api/v1/feedback", "edit-feedback")
        .allow("GET", "/(api|slow|down|nowhere)(/.*)?", "use-everything")
        .allow("POST", "/api/v1/echo", "use-everything")
        .allow("PUT", "/api/v1/echo", "use-everything")
        .allow("GET", "/gatehouse/admin/activities(/.*)?", "manage-activities")
        .allow("POST", "/gatehouse/admin/activities", "manage-activities")
        .allow("PUT", "/gatehouse/admin/activities/.*", "manage-activities")
        .allow("DELETE", "/gatehouse/admin/activities/.*", "manage-activities")
        .allow("POST", "/gatehouse/admin/explain", "manage-activities")
        .allow("GET", "/gatehouse/admin/services(/.*)?", "manage-activities")
        .allow("POST", "/gatehouse/admin/(services|activities)(/.*)?", "manage-activities")
        .allow("PUT", "/gatehouse/admin/services/.*", "manage-activities")
        .allow("DELETE", "/gatehouse/admin/services/.*", "manage-activities")
        .allow("POST", "/gatehouse/admin/policy-tests", "manage-activities")
        .allow("GET", "/gatehouse/admin/robots(/[^/?#]+/tokens)?", "manage-activities")
        .allow("POST", "/gatehouse/admin/robots(/[^/?#]+/tokens)?", "manage-activities")
        .allow("DELETE", "/gatehouse/admin/robots/[^/?#]+/tokens/[^/?#]+", "manage-activities");

    ActivitiesAdminApi admin = repository == null ? null : new ActivitiesAdminApi(repository,
        (method, regex) -> {
          if (regex.contains("(?")) {
            throw new dev.gatehouse.gateway.policy.InvalidActivityException("Inline flags are not allowed.");
          }
          dev.gatehouse.gateway.policy.ActivityPatterns.validate(method, regex);
        }, config.admin().maxBodyBytes(), new ExplainHandler(new GatewayRoutes.Parts(config.server().publicRoutes(),
        new CredentialExtractor(config.token().cookieName()), verifier, policy, metrics, null, login, revocations)
        .gate()),
        permissions);
    if (admin != null && services != null) {
      admin.withServices(services, Set.of("/api", "/slow", "/down"));
    }
    GatewayRoutes.Parts parts = new GatewayRoutes.Parts(config.server().publicRoutes(),
        new CredentialExtractor(config.token().cookieName()), verifier, policy, metrics, admin, login, revocations,
        audit, tracing);
    java.util.List<GatewayVerticle> deployed = new java.util.concurrent.CopyOnWriteArrayList<>();
    deploymentId = await(vertx.deployVerticle(() -> {
      GatewayVerticle gateway = new GatewayVerticle(config.server(), config.proxy(), parts);
      deployed.add(gateway);
      return gateway;
    }, new io.vertx.core.DeploymentOptions().setInstances(instances)));
    port = deployed.get(0).actualPort();
  }

  public static VerifiedToken token(String subject, Set<String> permissions) {
    return new VerifiedToken(subject, subject + "-name", subject + "@example.com", permissions,
        Set.of("fellow", "admin"), "web-app", 4_000_000_000L);
  }

  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  public HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(15));
  }

  public HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String pathAndQuery, String bearer) throws Exception {
    HttpRequest.Builder request = request(pathAndQuery);
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return send(request);
  }

  public static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Stops the gateway as SIGTERM does (drain, then close); completes when the drain is over. */
  public Future<Void> stopGateway() {
    return vertx.undeploy(deploymentId);
  }

  @Override
  public void close() throws Exception {
    await(vertx.close());
  }
}
