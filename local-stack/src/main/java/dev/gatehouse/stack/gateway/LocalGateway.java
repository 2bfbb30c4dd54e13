package dev.gatehouse.stack.gateway;

import dev.gatehouse.gateway.Gateway;
import dev.gatehouse.gateway.GatewayMain;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.stack.DevSecrets;
import dev.gatehouse.stack.postgres.PostgresServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway running in this JVM (own Vert.x instance) for the local stack and the tests, configured exactly like
 * a deployed one: through {@link GatewayConfig}.
 */
public final class LocalGateway implements AutoCloseable {
  private final Vertx vertx;
  private final Gateway gateway;
  private final GatewayConfig config;
  private final GatewayMetrics metrics;

  private LocalGateway(Vertx vertx, Gateway gateway, GatewayConfig config, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.config = config;
    this.metrics = metrics;
  }

  /** The configuration a local stack uses: one issuer, the embedded database, every /api path to the demo service. */
  public static JsonObject localConfig(String issuer, PostgresServer postgres, String demoBaseUrl, int port,
      Path activitySeedFile) {
    return new JsonObject()
        .put("listen", new JsonObject().put("host", "127.0.0.1").put("port", port))
        // Plain HTTP on loopback, said explicitly: production configs choose "terminate" or "terminated-by-proxy".
        .put("tls", new JsonObject().put("mode", "plain"))
        .put("token", new JsonObject().put("issuer", issuer)
            .put("jwksUrl", issuer + "/protocol/openid-connect/certs")
            .put("audiences", new JsonArray().add("gateway")))
        .put("database", new JsonObject()
            .put("host", postgres.host()).put("port", postgres.port())
            .put("database", PostgresServer.DATABASE)
            .put("user", PostgresServer.USER).put("password", PostgresServer.PASSWORD))
        .put("routes", new JsonArray().add(new JsonObject().put("prefix", "/api").put("upstream", demoBaseUrl)))
        .put("activities", new JsonObject()
            .put("seedFile", activitySeedFile.toString())
            .put("pollIntervalSeconds", 30))
        // Per-user API tokens resolve at the realm's token endpoint with the confidential gateway client.
        .put("apiTokens", new JsonObject()
            .put("clientId", "gateway")
            .put("clientSecret", DevSecrets.gatewayClientSecret()))
        // Local runs stop at once on Ctrl-C; deployments keep the default drain time.
        .put("shutdownTimeoutMillis", 2_000);
  }

  /** The parent domain of local runs: map {@code *.gatehouse.test} to 127.0.0.1 to use it. */
  public static final String LOCAL_PARENT_DOMAIN = "gatehouse.test";

  /** The gateway as browsers of a local run reach it. */
  public static String localPublicUrl(int gatewayPort) {
    return "http://api." + LOCAL_PARENT_DOMAIN + ":" + gatewayPort;
  }

  /**
   * Adds the browser login for a local run to {@code config}: parent domain {@value #LOCAL_PARENT_DOMAIN}, the
   * gateway at {@link #localPublicUrl}, apps on {@code appPorts}, the dev client secret, and plain http (local only:
   * no Secure cookies, which browsers refuse over http on such hosts).
   */
  public static JsonObject withLocalLogin(JsonObject config, int gatewayPort, int... appPorts) {
    JsonArray ports = new JsonArray();
    for (int appPort : appPorts) {
      ports.add(appPort);
    }
    return config.put("login", new JsonObject()
        .put("clientId", "gateway")
        .put("clientSecret", DevSecrets.gatewayClientSecret())
        .put("stateSecrets", new JsonArray().add(DevSecrets.LOGIN_STATE_SECRET))
        .put("publicBaseUrl", localPublicUrl(gatewayPort))
        .put("parentDomain", LOCAL_PARENT_DOMAIN)
        .put("allowedPorts", ports)
        .put("allowInsecureHttp", true));
  }

  /** Starts and returns once the server listens (keys and activities may still be loading: see /health/ready). */
  public static LocalGateway start(JsonObject configJson) {
    GatewayConfig config = GatewayConfig.fromJson(configJson, Map.of());
    GatewayMetrics metrics = new GatewayMetrics();
    Vertx vertx = GatewayMain.newVertx(metrics);
    try {
      Gateway gateway = await(Gateway.start(vertx, config, metrics).toCompletionStage().toCompletableFuture());
      return new LocalGateway(vertx, gateway, config, metrics);
    } catch (RuntimeException e) {
      vertx.close();
      throw new IllegalStateException("The gateway did not start: " + e.getMessage(), e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + config.server().port();
  }

  public int port() {
    return config.server().port();
  }

  public Gateway gateway() {
    return gateway;
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  /** Blocks until the gateway has keys and activities, or fails after {@code timeout}. */
  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!gateway.ready()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("The gateway was not ready within " + timeout.toSeconds()
            + " s: check that Keycloak and PostgreSQL are reachable (see the gateway log above).");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for the gateway", e);
      }
    }
  }

  @Override
  public void close() {
    try {
      await(gateway.close().toCompletionStage().toCompletableFuture());
    } finally {
      // Closed from this thread, not chained on a Vert.x context: that context dies with Vert.x, and a completion
      // dispatched to it would never arrive.
      await(vertx.close().toCompletionStage().toCompletableFuture());
    }
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
    try {
      return future.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e.toString(), e);
    }
  }
}
