package dev.gatehouse.gateway.http;

import dev.gatehouse.gateway.admin.ActivitiesAdminApi;
import dev.gatehouse.gateway.audit.RequestAudit;
import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.login.LoginOptions;
import dev.gatehouse.gateway.login.LoginRoutes;
import dev.gatehouse.gateway.login.NavigationRefresh;
import dev.gatehouse.gateway.login.OriginCheck;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.ops.HealthHandlers;
import dev.gatehouse.gateway.ops.MetricsHandler;
import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the gateway's handler chain, in this order for every request:
 * refuse bad targets (400/405/501) → browser login {@code /auth/*} (when configured; answers itself) → CORS (when
 * login is configured) and the cookie origin check (403; without login only the gateway's own origin counts) → public
 * route? → credential (401) → verify (401/503)
 * → revocation list loaded and fresh? (503) → token revoked? (401) → index loaded? (503) → decide (403) → local endpoints (health, metrics, admin) → proxy (404 when no route
 * prefix matches).
 *
 * <p>The login routes are mounted ahead of the access gate instead of being listed as public routes: they are the
 * gateway's own endpoints, do their own checks (whoami verifies the token itself), and an {@code /auth/} path they
 * do not serve falls through to the gate like any other path.
 */
public final class GatewayRouter {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayRouter.class);

  /**
   * What the chain is built from, shared by every server instance. {@code adminApi} may be null: admin paths are
   * then handled like any other path.
   */
  public record Parts(
      Set<String> publicRoutes,
      Function<String, RequestTarget> targetParser,
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
    public Parts(Set<String> publicRoutes, Function<String, RequestTarget> targetParser,
        CredentialExtractor credentials, TokenVerifier verifier, AccessPolicy policy, GatewayMetrics metrics,
        ActivitiesAdminApi adminApi, LoginOptions login, RevocationGuard revocations) {
      this(publicRoutes, targetParser, credentials, verifier, policy, metrics, adminApi, login, revocations,
          RequestAudit.off(), GatewayTracing.off());
    }

    /** Without live revocation (nothing is ever revoked). */
    public Parts(Set<String> publicRoutes, Function<String, RequestTarget> targetParser,
        CredentialExtractor credentials, TokenVerifier verifier, AccessPolicy policy, GatewayMetrics metrics,
        ActivitiesAdminApi adminApi, LoginOptions login) {
      this(publicRoutes, targetParser, credentials, verifier, policy, metrics, adminApi, login,
          RevocationGuard.alwaysFresh());
    }

    /** Without the browser login. */
    public Parts(Set<String> publicRoutes, Function<String, RequestTarget> targetParser,
        CredentialExtractor credentials, TokenVerifier verifier, AccessPolicy policy, GatewayMetrics metrics,
        ActivitiesAdminApi adminApi) {
      this(publicRoutes, targetParser, credentials, verifier, policy, metrics, adminApi, null);
    }
  }

  private GatewayRouter() {}

  /** Without the browser login: {@code parts.login()} must be null. */
  public static Router create(Vertx vertx, Parts parts, Handler<RoutingContext> proxy) {
    if (parts.login() != null) {
      throw new IllegalArgumentException("The browser login needs a WebClient to reach Keycloak");
    }
    return create(vertx, parts, proxy, null);
  }

  /**
   * @param proxy       the last handler: forwards what got through (one per server instance)
   * @param loginClient reaches Keycloak for the browser login; used only when {@code parts.login()} is set
   */
  public static Router create(Vertx vertx, Parts parts, Handler<RoutingContext> proxy, WebClient loginClient) {
    Router router = Router.router(vertx);
    router.route().handler(new RequestGuard(parts.targetParser(), parts.metrics()));
    NavigationRefresh navigationRefresh = null;
    if (parts.login() != null) {
      LoginRoutes login = LoginRoutes.mount(router, parts.login(), loginClient, parts.verifier());
      navigationRefresh = login.navigationRefresh();
      // Before the token is honoured: a cross-site page must neither read our answers nor ride the cookie.
      router.route().handler(login.cors().handler()).handler(login.originCheck().handler());
    } else {
      // Without the login there is no list of our apps: only the gateway's own origin may ride a cookie.
      router.route().handler(OriginCheck.sameOriginOnly(parts.credentials()).handler());
    }
    router.route().handler(new AccessGate(parts.publicRoutes(), parts.credentials(), parts.verifier(),
        parts.policy(), parts.metrics(), parts.revocations(), navigationRefresh, parts.audit(), parts.tracing()));

    HealthHandlers health = new HealthHandlers(parts.verifier()::ready, parts.policy()::loaded, parts.revocations());
    router.get("/health/live").handler(health::live);
    router.get("/health/ready").handler(health::ready);
    router.get("/metrics").handler(new MetricsHandler(parts.metrics()));
    if (parts.adminApi() != null) {
      parts.adminApi().mount(router, vertx);
    }
    router.route().handler(proxy);

    router.route().failureHandler(GatewayRouter::failure);
    return router;
  }

  private static void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      ErrorResponses.send(ctx, 413, "payload_too_large", "The request body is larger than this endpoint accepts.");
    } else if (status >= 400 && status < 500) {
      ErrorResponses.send(ctx, status, "bad_request", "The request was refused (" + status + ").");
    } else {
      LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      ErrorResponses.send(ctx, 500, "internal_error", "The gateway failed to handle the request.");
    }
  }
}
