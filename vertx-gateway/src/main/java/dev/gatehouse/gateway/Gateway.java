package dev.gatehouse.gateway;

import dev.gatehouse.gateway.admin.ActivitiesAdminApi;
import dev.gatehouse.gateway.admin.DecisionsAdminApi;
import dev.gatehouse.gateway.admin.ExplainHandler;
import dev.gatehouse.gateway.admin.KeycloakPermissionCatalog;
import dev.gatehouse.gateway.admin.PermissionCheckOptions;
import dev.gatehouse.gateway.admin.RobotsAdminApi;
import dev.gatehouse.gateway.admin.StoreActivityRepository;
import dev.gatehouse.gateway.admin.StoreServiceRepository;
import dev.gatehouse.gateway.apitoken.ApiTokenResolver;
import dev.gatehouse.gateway.apitoken.ApiTokenVerifier;
import dev.gatehouse.gateway.audit.AuditTrail;
import dev.gatehouse.gateway.config.AdminSettings;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.connection.ClientConnections;
import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.policy.AccessPolicy;
import dev.gatehouse.gateway.policy.ActivityChangeWatcher;
import dev.gatehouse.gateway.policy.ActivityIndexHolder;
import dev.gatehouse.gateway.policy.ActivityIndexPolicy;
import dev.gatehouse.gateway.policy.ActivityPatterns;
import dev.gatehouse.gateway.policy.ActivitySeed;
import dev.gatehouse.gateway.policy.ActivitySeedFile;
import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.InvalidActivityException;
import dev.gatehouse.gateway.policy.InvalidServiceException;
import dev.gatehouse.gateway.policy.SchemaMigrations;
import dev.gatehouse.gateway.policy.ServiceStore;
import dev.gatehouse.gateway.policy.ShadowDecisions;
import dev.gatehouse.gateway.proxy.RouteTable;
import dev.gatehouse.gateway.proxy.UpstreamHealthChecks;
import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.revocation.RevocationStore;
import dev.gatehouse.gateway.revocation.RevocationWatcher;
import dev.gatehouse.gateway.token.JwksKeySource;
import dev.gatehouse.gateway.token.JwtTokenVerifier;
import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.token.TokenVerifierOptions;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway: token verification, the activity policy kept in sync with PostgreSQL, and one HTTP server
 * instance per event loop. It listens at once; until signing keys and activities are loaded it reports not-ready and
 * answers protected routes with 503 (fail closed), retrying Keycloak and PostgreSQL in the background.
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);
  /** How often counts of rate-limited log lines are checked for a summary that is due. */
  private static final long LOG_SUMMARY_PERIOD_MS = 5_000;
  private static final RateLimitedLog SKIPPED_SERVICES = RateLimitedLog.of(LOG);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final JwksKeySource keys;
  private final TokenVerifier verifier;
  private final WebClient apiTokenClient;
  private final WebClient keycloakAdminClient;
  private final Pool pool;
  private final ActivityStore store;
  private final ActivityIndexHolder index = new ActivityIndexHolder();
  private final ActivityChangeWatcher watcher;
  private final AccessPolicy policy;
  /** Configured routes plus stored services; 503 for other paths until the services are loaded once. */
  private final RouteTable routes;
  private final UpstreamHealthChecks healthChecks;
  private final ClientConnections connections;
  private final RevocationGuard revocations;
  private final RevocationWatcher revocationWatcher;
  private final GatewayTracing tracing;
  private final AuditTrail audit;
  private volatile boolean closed;
  private String deploymentId;
  private long logSummaryTimer = -1;

  private Gateway(Vertx vertx, GatewayConfig config, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    TokenVerifierOptions tokenOptions = config.token().verifierOptions();
    this.keys = new JwksKeySource(vertx, tokenOptions);
    // The request pipeline counts rejections by reason itself; the listener counts cache hits and signature checks.
    TokenVerifier accessTokens = new JwtTokenVerifier(tokenOptions, keys, metrics.tokenVerification());
    ApiTokenResolver apiTokenResolver = null;
    if (config.apiTokensEnabled()) {
      this.apiTokenClient = WebClient.create(vertx, new WebClientOptions()
          .setConnectTimeout((int) config.apiTokens().httpTimeoutMillis())
          .setKeepAlive(true)
          .setKeepAliveTimeout(30)
          .setUserAgent("gatehouse-gateway"));
      apiTokenResolver = new ApiTokenResolver(apiTokenClient, config.apiTokens(), accessTokens, metrics.apiTokens());
      this.verifier = new ApiTokenVerifier(accessTokens, apiTokenResolver);
    } else {
      this.apiTokenClient = null;
      this.verifier = accessTokens;
    }
    // The admin API asks Keycloak which permissions exist; rare calls, so a small client of its own.
    this.keycloakAdminClient = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) config.admin().permissionCheck().httpTimeoutMillis())
        .setUserAgent("gatehouse-gateway"));
    PgConnectOptions database = new PgConnectOptions()
        .setHost(config.database().host())
        .setPort(config.database().port())
        .setDatabase(config.database().database())
        .setUser(config.database().user())
        .setPassword(config.database().password())
        // Names the gateway's sessions in pg_stat_activity (the LISTEN connections add the channel).
        .addProperty("application_name", "gatehouse-gateway");
    this.pool = ActivityStore.createPool(vertx, database, 4);
    this.store = new ActivityStore(pool);
    this.watcher = new ActivityChangeWatcher(vertx, database, store, index,
        config.activities().pollInterval());
    this.policy = new ActivityIndexPolicy(index::current, new ShadowDecisions(metrics::shadowDecision));
    this.routes = RouteTable.awaitingServices(config.proxy().routes());
    this.healthChecks = new UpstreamHealthChecks(vertx, metrics::upstreamHealthChanged);
    metrics.upstreamsOutOfRotation(healthChecks::outOfRotation);
    watcher.onLoaded(snapshot -> {
      routes.update(snapshot.services(), (service, reason) -> SKIPPED_SERVICES.warn(service.name(), "SKIPPING"
          + " SERVICE {} ({}): {}. Fix or delete it; until then nothing is routed to it.", service.name(),
          service.routePrefix(), reason));
      healthChecks.watch(routes);
    });
    this.connections = new ClientConnections(config.server().connectionLimits());
    this.revocations = new RevocationGuard(config.revocation(), Clock.systemUTC());
    this.revocationWatcher = new RevocationWatcher(vertx, database, new RevocationStore(pool), revocations,
        Clock.systemUTC());
    if (apiTokenResolver != null) {
      // A revoked API token, a disabled owner or changed permissions: the next use asks Keycloak again.
      ApiTokenResolver resolver = apiTokenResolver;
      revocationWatcher.onChange(state -> resolver.dropRevoked(token -> state.check(token) != null));
    }
    this.tracing = GatewayTracing.fromEnvironment();
    this.audit = AuditTrail.start(config.audit(), pool, metrics.registry());
  }

  /** Starts listening; completes when the servers are bound (not when keys and activities are loaded). */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, GatewayMetrics metrics) {
    Gateway gateway;
    try {
      gateway = new Gateway(vertx, config, metrics);
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      // Tracing that cannot start, a decision-record file that cannot be opened: a start failure with its reason.
      return Future.failedFuture(e);
    }
    return gateway.listen(metrics).map(gateway);
  }

  private Future<Void> listen(GatewayMetrics metrics) {
    keys.start();
    logSummaryTimer = vertx.setPeriodic(LOG_SUMMARY_PERIOD_MS, tick -> RateLimitedLog.reportSuppressedEverywhere());
    preparePolicy(FIRST_RETRY);
    metrics.activityIndexGauges(policy::size, policy::version);
    metrics.activityReloadFailures(watcher::reloadFailures);
    metrics.connectionGauges(() -> connections.counts().openConnections(),
        () -> connections.counts().requestsInFlight());
    metrics.revocationGauges(() -> {
      Duration staleness = revocations.staleness();
      return staleness == null ? -1 : staleness.toMillis() / 1000.0;
    }, () -> revocations.state().size());
    GatewayRoutes.Parts parts = new GatewayRoutes.Parts(config.server().publicRoutes(),
        new CredentialExtractor(config.token().cookieName()), verifier, policy, metrics, null, config.login(),
        revocations);
    AdminSettings admin = config.admin();
    PermissionCheckOptions permissionCheck = admin.permissionCheck();
    KeycloakPermissionCatalog permissionCatalog = new KeycloakPermissionCatalog(keycloakAdminClient, permissionCheck);
    ActivitiesAdminApi adminApi = new ActivitiesAdminApi(new StoreActivityRepository(store),
        ActivityPatterns::validate, admin.maxBodyBytes(), new ExplainHandler(parts.gate()), permissionCatalog)
        .withRobots(new RobotsAdminApi(keycloakAdminClient, permissionCheck.keycloakUrl() + "/admin/realms/"
            + permissionCheck.realm(), permissionCatalog::serviceAccountToken, permissionCheck.httpTimeoutMillis())
            .withRoleGuard(permissionCatalog, () -> parts.gate().policy()))
        .withServices(new StoreServiceRepository(new ServiceStore(pool), store), configuredPrefixes())
        .withDecisions(new DecisionsAdminApi(audit.store()));
    if (permissionCheck.missingSetting() != null) {
      LOG.warn("The admin API cannot check permission names against Keycloak: {}. Writes that name permissions are"
          + " refused with 503 unless they say allowUnknownPermissions=true.", permissionCheck.missingSetting());
    }
    GatewayRoutes.Parts withAdmin = new GatewayRoutes.Parts(parts.publicRoutes(), parts.credentials(), verifier,
        policy, metrics, adminApi, config.login(), revocations, audit.requests(), tracing);
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    return vertx.deployVerticle(
            () -> new GatewayVerticle(config.server(), config.proxy(), withAdmin, connections, routes),
            new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> {
          deploymentId = id;
          LOG.info("Gatehouse gateway {} listening on {}:{} ({} server instances, {} route(s), TLS {}, trusted proxies {});"
              + " issuer {}; browser login {}; API tokens {}", version(), config.server().host(),
              config.server().port(), instances, config.proxy().routes().size(),
              config.server().tls().mode().configName(), config.proxy().trustedProxies(), config.token().issuer(),
              config.loginEnabled() ? "at " + config.login().publicBaseUrl() + "/auth/login" : "off",
              config.apiTokensEnabled() ? "via " + config.apiTokens().tokenEndpoint() : "off");
        })
        .mapEmpty();
  }

  /** Schema, seed, then the watcher's first load; on failure (PostgreSQL down) retried with backoff. */
  private void preparePolicy(Duration retryDelay) {
    if (closed) {
      return;
    }
    SchemaMigrations.apply(pool)
        .compose(applied -> seed())
        // The watcher logs each index version it loads, once.
        .compose(seeded -> watcher.start())
        // Fail closed: protected routes answer 503 until the revocation list has loaded once.
        .compose(loaded -> revocationWatcher.start())
        .onFailure(failure -> {
          if (closed) {
            return;
          }
          if (failure instanceof InvalidActivityException || failure instanceof InvalidServiceException) {
            // A seed that does not fit (its own rules, or this gateway's configured routes): no retry will fix it.
            LOG.error("The activity seed cannot be applied: {} Fix the seed or the configured routes and restart;"
                + " protected routes answer 503. Retrying in {} s.", failure.getMessage(), retryDelay.toSeconds());
          } else {
            LOG.error("Cannot prepare the activity policy from PostgreSQL at {}:{} ({}); protected routes answer"
                + " 503. Retrying in {} s.", config.database().host(), config.database().port(),
                failure.getMessage(), retryDelay.toSeconds());
          }
          Duration next = retryDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryDelay.multipliedBy(2);
          vertx.setTimer(retryDelay.toMillis(), timer -> preparePolicy(next));
        });
  }

  /** The seed's services must fit this gateway's configured routes; a mismatch fails here, naming the entry. */
  private Future<Void> seed() {
    if (config.activities().seedFile() == null) {
      return Future.succeededFuture();
    }
    Set<String> configuredPrefixes = configuredPrefixes();
    return vertx.executeBlocking(() -> {
      ActivitySeed seed = ActivitySeedFile.read(config.activities().seedFile());
      seed.validateRouting(configuredPrefixes, config.activities().seedFile().toString());
      return seed;
    }).compose(store::seed).onSuccess(outcome -> {
      LOG.info("Seeded {} new activities and {} new services {} from {}", outcome.activitiesAdded(),
          outcome.servicesCreated().size(), outcome.servicesCreated(), config.activities().seedFile());
      if (outcome.activitiesAdopted() > 0) {
        LOG.info("The new seed services {} adopted {} existing global activities with the same method and regex (or"
            + " its older [^/?#]+ spelling); their regexes, permissions and descriptions are unchanged.",
            outcome.servicesCreated(),
            outcome.activitiesAdopted());
      }
      if (!outcome.servicesSkipped().isEmpty()) {
        LOG.warn("Seed services {} were not created: another service holds their route prefix. Their seed"
            + " activities were left out. Delete or move that service, or change the seed.",
            outcome.servicesSkipped());
      }
    }).mapEmpty();
  }

  private Set<String> configuredPrefixes() {
    Set<String> prefixes = new LinkedHashSet<>();
    config.proxy().routes().forEach(route -> prefixes.add(route.prefix()));
    return prefixes;
  }

  /** Keys loaded, activity index loaded, revocation list loaded and fresh enough: the gateway can decide. */
  public boolean ready() {
    return verifier.ready() && policy.loaded() && revocations.unavailableReason() == null;
  }

  /** This build's version, from the jar's manifest ("development build" when run from classes). */
  public static String version() {
    String version = Gateway.class.getPackage().getImplementationVersion();
    return version == null ? "development build" : version;
  }

  /** Drains in-flight requests (bounded by the shutdown timeout), then releases Keycloak and PostgreSQL clients. */
  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(logSummaryTimer);
    Future<Void> undeployed = deploymentId == null ? Future.succeededFuture() : drain();
    return undeployed
        .eventually(watcher::stop)
        .eventually(healthChecks::close)
        .eventually(revocationWatcher::stop)
        .eventually(keys::close)
        .eventually(() -> {
          if (apiTokenClient != null) {
            apiTokenClient.close();
          }
          keycloakAdminClient.close();
          return Future.succeededFuture();
        })
        .eventually(() -> vertx.executeBlocking(() -> {
          // Queued decision records are written before the database pool closes; then traces are flushed.
          audit.close();
          tracing.close();
          return null;
        }))
        .eventually(pool::close)
        .onComplete(done -> RateLimitedLog.flushSuppressedEverywhere());
  }

  /** Undeploys the servers: each stops accepting and drains its connections (see {@link GatewayVerticle#stop()}). */
  private Future<Void> drain() {
    connections.startDraining();
    ClientConnections.Counts before = connections.counts();
    long started = System.nanoTime();
    LOG.info("Draining: stopped accepting connections; {} client connections open, {} requests in flight; waiting up "
        + "to {} ms for them", before.openConnections(), before.requestsInFlight(),
        config.server().shutdownTimeoutMillis());
    return vertx.undeploy(deploymentId).onComplete(done -> {
      ClientConnections.Counts after = connections.counts();
      LOG.info("Drain finished in {} ms: {} requests were cut at the shutdown timeout{}",
          Duration.ofNanos(System.nanoTime() - started).toMillis(), after.requestsCutByDrain(),
          done.succeeded() ? "" : "; stopping the servers failed: " + done.cause());
    });
  }
}
