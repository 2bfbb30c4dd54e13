package dev.gatehouse.gateway;

import dev.gatehouse.gateway.admin.ActivitiesAdminApi;
import dev.gatehouse.gateway.console.ConsoleAssets;
import dev.gatehouse.gateway.audit.RequestAudit;
import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.http.AccessGate;
import dev.gatehouse.gateway.http.Exchange;
import dev.gatehouse.gateway.http.RequestPipeline;
import dev.gatehouse.gateway.login.LoginOptions;
import dev.gatehouse.gateway.login.LoginRoutes;
import dev.gatehouse.gateway.login.OriginCheck;
import dev.gatehouse.gateway.me.CookieWriteGuard;
import dev.gatehouse.gateway.me.SelfServiceApi;
import dev.gatehouse.gateway.http.SelfServicePaths;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.ops.HealthHandlers;
import dev.gatehouse.gateway.ops.MetricsHandler;
import dev.gatehouse.gateway.policy.AccessPolicy;
import dev.gatehouse.gateway.reply.ErrorReply;
import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.tls.HstsHandler;
import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles one server instance's request handling: the {@link RequestPipeline} for every request, the browser
 * login's endpoints in front of it, and the gateway's own endpoints (health, metrics, admin API) behind its access
 * decision. Only those endpoints use Vert.x Web's {@link Router}; proxied requests never touch it.
 */
public final class GatewayRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayRoutes.class);
  static final String HEALTH_LIVE = "/health/live";
  static final String HEALTH_READY = "/health/ready";
  static final String METRICS = "/metrics";

  /**
   * What every server instance is built from, shared by all of them. {@code adminApi} may be null: admin paths are
   * then handled like any other path; {@code login} may be null: no browser login.
   */
  public record Parts(
      Set<String> publicRoutes,
      CredentialExtractor credentials,
      TokenVerifier verifier,
      AccessPolicy policy,
      GatewayMetrics metrics,
      ActivitiesAdminApi adminApi,
      LoginOptions login,
      RevocationGuard revocations,
      RequestAudit audit,
      GatewayTracing tracing) {

    /** Without the decision audit trail and tracing. */
    public Parts(Set<String> publicRoutes, CredentialExtractor credentials, TokenVerifier verifier,
        AccessPolicy policy, GatewayMetrics metrics, ActivitiesAdminApi adminApi, LoginOptions login,
        RevocationGuard revocations) {
      this(publicRoutes, credentials, verifier, policy, metrics, adminApi, login, revocations, RequestAudit.off(),
          GatewayTracing.off());
    }

    /** Without live revocation (nothing is ever revoked). */
    public Parts(Set<String> publicRoutes, CredentialExtractor credentials, TokenVerifier verifier,
        AccessPolicy policy, GatewayMetrics metrics, ActivitiesAdminApi adminApi, LoginOptions login) {
      this(publicRoutes, credentials, verifier, policy, metrics, adminApi, login, RevocationGuard.alwaysFresh());
    }

    /** Without the browser login. */
    public Parts(Set<String> publicRoutes, CredentialExtractor credentials, TokenVerifier verifier,
        AccessPolicy policy, GatewayMetrics metrics, ActivitiesAdminApi adminApi) {
      this(publicRoutes, credentials, verifier, policy, metrics, adminApi, null);
    }

    /** The access decision the pipeline and {@code /explain} share. */
    public AccessGate gate() {
      return new AccessGate(credentials, verifier, policy, revocations);
    }
  }

  private GatewayRoutes() {}

  /**
   * @param upstream    the last step: forwards what got through (one per server instance)
   * @param loginClient reaches Keycloak for the browser login; used only when {@code parts.login()} is set
   * @param hsts        adds Strict-Transport-Security to answers over HTTPS, or null
   */
  public static RequestPipeline create(Vertx vertx, Parts parts, Handler<Exchange> upstream, WebClient loginClient,
      HstsHandler hsts) {
    if (parts.login() != null && loginClient == null) {
      throw new IllegalArgumentException("The browser login needs a WebClient to reach Keycloak");
    }
    // The console comes with the browser login (it signs in through it); its static files are public routes.
    ConsoleAssets console = parts.login() == null ? null : new ConsoleAssets();
    Set<String> publicRoutes = new HashSet<>(parts.publicRoutes());
    if (console != null) {
      publicRoutes.addAll(console.paths());
    }
    Router local = localRoutes(vertx, parts, hsts, console, loginClient);
    boolean admin = parts.adminApi() != null;
    // The pipeline and the login's router refer to each other: unknown /auth/ paths go back into the pipeline.
    AtomicReference<RequestPipeline> pipeline = new AtomicReference<>();
    OriginCheck originCheck;
    RequestPipeline.Steps steps;
    if (parts.login() != null) {
      Router loginRouter = Router.router(vertx);
      if (hsts != null) {
        loginRouter.route().order(-1).handler(hsts);
      }
      LoginRoutes login = LoginRoutes.mount(loginRouter, parts.login(), loginClient, parts.verifier(),
          parts.revocations());
      loginRouter.route().handler(ctx -> pipeline.get().afterLogin(ctx.request()));
      loginRouter.route().failureHandler(GatewayRoutes::failure);
      steps = new RequestPipeline.Steps(publicRoutes, parts.gate(), login.originCheck(), login.cors(),
          login.navigationRefresh(), loginRouter, (method, path) -> isLocal(method, path, admin), local, upstream,
          hsts == null ? null : hsts::apply, parts.metrics(), parts.audit(), parts.tracing());
    } else {
      // Without the login there is no list of our apps: only the gateway's own origin may ride a cookie.
      originCheck = OriginCheck.sameOriginOnly(parts.credentials());
      steps = new RequestPipeline.Steps(parts.publicRoutes(), parts.gate(), originCheck, null, null, null,
          (method, path) -> isLocal(method, path, admin), local, upstream, hsts == null ? null : hsts::apply,
          parts.metrics(), parts.audit(), parts.tracing());
    }
    pipeline.set(new RequestPipeline(steps));
    return pipeline.get();
  }

  /** The gateway's own endpoints, reached only after the access decision (health and metrics are public routes). */
  static boolean isLocal(HttpMethod method, String path, boolean admin) {
    if (method == HttpMethod.GET && (path.equals(HEALTH_LIVE) || path.equals(HEALTH_READY) || path.equals(METRICS))) {
      return true;
    }
    if (SelfServicePaths.isSelfService(path) || ConsoleAssets.isConsole(path)) {
      return true;
    }
    return admin && (path.equals(ActivitiesAdminApi.MOUNT) || path.startsWith(ActivitiesAdminApi.MOUNT + "/"));
  }

  private static Router localRoutes(Vertx vertx, Parts parts, HstsHandler hsts, ConsoleAssets console,
      WebClient keycloak) {
    Router router = Router.router(vertx);
    if (hsts != null) {
      router.route().order(-1).handler(hsts);
    }
    HealthHandlers health = new HealthHandlers(parts.verifier()::ready, parts.policy()::loaded, parts.revocations());
    router.get(HEALTH_LIVE).handler(health::live);
    router.get(HEALTH_READY).handler(health::ready);
    router.get(METRICS).handler(new MetricsHandler(parts.metrics()));
    if (parts.adminApi() != null) {
      // The console's admin writes ride the cookie: they carry X-Requested-With, and cookie writes without it are refused.
      router.route(ActivitiesAdminApi.MOUNT + "/*").handler(new CookieWriteGuard(parts.credentials()));
      parts.adminApi().mount(router, vertx);
    }
    new SelfServiceApi(parts.gate(), parts.credentials(), parts.login() == null ? null : keycloak,
        parts.login() == null ? null : parts.login().issuer())
        .withPermissionCatalog(parts.adminApi() == null ? null : parts.adminApi().permissionCatalog())
        .mount(router);
    if (console != null) {
      console.mount(router);
    }
    router.route().handler(ctx -> ErrorReply.notFound(ctx.request(), "No gateway endpoint at " + ctx.normalizedPath()
        + "."));
    router.route().failureHandler(GatewayRoutes::failure);
    return router;
  }

  private static void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      ErrorReply.send(ctx.request(), 413, "payload_too_large", "The request body is larger than this endpoint accepts.");
    } else if (status >= 400 && status < 500) {
      ErrorReply.send(ctx.request(), status, "bad_request", "The request was refused (" + status + ").");
    } else {
      LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      ErrorReply.send(ctx.request(), 500, "internal_error", "The gateway failed to handle the request.");
    }
  }
}
