package dev.gatehouse.gateway;

import dev.gatehouse.gateway.admin.ActivitiesAdminApi;
import dev.gatehouse.gateway.admin.ActivityRepository;
import dev.gatehouse.gateway.admin.ExplainHandler;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.http.AccessPolicy;
import dev.gatehouse.gateway.http.ActivityIndexPolicy;
import dev.gatehouse.gateway.http.BearerOrCookieCredentialReader;
import dev.gatehouse.gateway.http.CredentialReader;
import dev.gatehouse.gateway.http.GatewayRouter;
import dev.gatehouse.gateway.http.RequestTarget;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.policy.ActivityIndex;
import dev.gatehouse.gateway.policy.ActivityPatterns;
import dev.gatehouse.gateway.token.KeysNotLoadedException;
import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wiring only: config → Vert.x → policy, token verification, router → one server instance per event loop. */
public final class GatewayMain {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);

  private GatewayMain() {}

  public static void main(String[] args) {
    GatewayConfig config;
    try {
      config = GatewayConfig.load(args, System.getenv());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    GatewayMetrics metrics = new GatewayMetrics();
    Vertx vertx = newVertx(metrics);

    // LEAD: wire the PostgreSQL ActivityStore + LISTEN/NOTIFY watcher + ActivityIndexHolder (config.database()),
    // start it here, and pass holder::current (null until the first load) instead of this supplier.
    Supplier<ActivityIndex> currentIndex = () -> null;
    AccessPolicy policy = new ActivityIndexPolicy(currentIndex);
    metrics.activityIndexGauges(policy::size, policy::version);

    // LEAD: wire the JWKS key source + verifier (config.issuer(), jwksUrl(), audiences(), algorithms(),
    // maxTokenBytes()), and give it metrics::tokenFailure if it reports failures itself.
    TokenVerifier verifier = new UnwiredVerifier();

    // LEAD: wire the credential package's extractor (cookie config.cookieName(), Bearer) in place of this reader.
    CredentialReader credentials = new BearerOrCookieCredentialReader(config.cookieName());

    // LEAD: wire the PostgreSQL ActivityStore (or an adapter of it) as the admin API's repository.
    ActivityRepository repository = null;
    ActivitiesAdminApi adminApi = repository == null ? null : new ActivitiesAdminApi(repository,
        ActivityPatterns::validate, config.adminMaxBodyBytes(),
        new ExplainHandler(policy, verifier, RequestTarget::parse));

    GatewayRouter.Parts parts = new GatewayRouter.Parts(config.publicRoutes(), RequestTarget::parse, credentials,
        verifier, policy, metrics, adminApi);
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    vertx.deployVerticle(() -> new GatewayVerticle(config, parts), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> LOG.info("Gateway listening on {}:{} with {} server instance(s)", config.listenHost(),
            config.listenPort(), instances))
        .onFailure(e -> {
          LOG.error("Gateway failed to start: {}", e.getMessage(), e);
          vertx.close().onComplete(done -> System.exit(1));
        });

    // SIGTERM runs shutdown hooks: closing Vert.x undeploys the verticles, whose stop() drains in-flight requests.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture()
            .get(config.shutdownTimeoutMillis() + 5_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("Shutdown did not complete cleanly: {}", e.toString());
      }
    }, "gatehouse-shutdown"));
  }

  /** Vert.x reporting its own HTTP server/client metrics into the gateway's registry, so /metrics shows both. */
  static Vertx newVertx(GatewayMetrics metrics) {
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
        .build();
  }

  /** Fails closed until the real verifier is wired: every protected request gets 503. */
  private static final class UnwiredVerifier implements TokenVerifier {
    @Override
    public Future<VerifiedToken> verify(String compactJwt) {
      return Future.failedFuture(new KeysNotLoadedException("token verification is not wired"));
    }

    @Override
    public boolean ready() {
      return false;
    }
  }
}
