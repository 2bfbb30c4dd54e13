package dev.gatehouse.gateway.http;

import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.credential.CredentialResult;
import dev.gatehouse.gateway.login.Cors;
import dev.gatehouse.gateway.login.NavigationRefresh;
import dev.gatehouse.gateway.login.OriginCheck;
import dev.gatehouse.gateway.ops.DecisionOutcome;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.reply.ErrorReply;
import dev.gatehouse.gateway.revocation.Revoked;
import dev.gatehouse.gateway.token.TokenRejectedException;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The gateway's request flow, in this order for every request:
 * refuse what must not be interpreted (400/405/501) → browser login {@code /auth/*} (when configured) → CORS (when
 * login is configured) and the cookie origin check (403) → public route? → credential (401) → verify (401/429/503)
 * → revocation list loaded and fresh (503), token not revoked (401) → activities loaded (503) → decide (403) →
 * the gateway's own endpoints (health, metrics, admin) or the upstream (404 when no route prefix matches).
 *
 * <p>The request is paused once, on arrival, and stays paused until the endpoint or the upstream reads its body. A
 * token found in the verified-token cache is decided without leaving the call; otherwise the flow continues on the
 * request's own event loop once, when verification completes. Everything the steps learn travels in one
 * {@link Exchange}. One instance per server verticle.
 */
public final class RequestPipeline implements Handler<HttpServerRequest> {
  /**
   * What the flow is made of. {@code loginRoutes} may be null (no browser login); then {@code cors} and
   * {@code navigationRefresh} are null too, and {@code originCheck} admits only the gateway's own origin.
   */
  public record Steps(
      Set<String> publicRoutes,
      AccessGate gate,
      OriginCheck originCheck,
      Cors cors,
      NavigationRefresh navigationRefresh,
      Handler<HttpServerRequest> loginRoutes,
      BiPredicate<HttpMethod, String> isLocal,
      Handler<HttpServerRequest> localRoutes,
      Handler<Exchange> upstream,
      Handler<HttpServerRequest> hsts,
      GatewayMetrics metrics) {}

  /** Paths the browser login owns; see {@code LoginRoutes}. */
  private static final String LOGIN_PREFIX = "/auth/";

  private final Steps steps;
  private final Set<String> publicRoutes;
  private final AccessGate gate;
  private final GatewayMetrics metrics;

  public RequestPipeline(Steps steps) {
    this.steps = steps;
    this.publicRoutes = Set.copyOf(steps.publicRoutes());
    this.gate = steps.gate();
    this.metrics = steps.metrics();
  }

  @Override
  public void handle(HttpServerRequest request) {
    request.pause();
    Refusal malformed = RequestGuard.check(request);
    if (malformed != null) {
      metrics.decision(DecisionOutcome.BAD_REQUEST);
      RequestGuard.refuse(request, malformed);
      return;
    }
    if (steps.loginRoutes() != null && request.path().startsWith(LOGIN_PREFIX)) {
      // The login's router answers its own endpoints and sends every other /auth/ path back through afterLogin.
      steps.loginRoutes().handle(request);
      return;
    }
    if (steps.hsts() != null) {
      steps.hsts().handle(request);
    }
    afterLogin(request);
  }

  /** Continues the flow for a request the browser login does not answer itself. */
  public void afterLogin(HttpServerRequest request) {
    RequestTarget target;
    try {
      target = RequestTarget.parse(request.uri());
    } catch (BadRequestTargetException e) {
      metrics.decision(DecisionOutcome.BAD_REQUEST);
      RequestGuard.refuse(request, Refusal.badRequest(e.getMessage()));
      return;
    }
    if (!crossSiteAllowed(request)) {
      return;
    }
    Exchange exchange = new Exchange(request, target);
    if (publicRoutes.contains(target.path())) {
      admitted(exchange);
      return;
    }
    CredentialResult presented = gate.presented(request.headers());
    Refusal unusable = AccessGate.credentialRefusal(presented);
    if (unusable != null) {
      refuse(exchange, unusable);
      return;
    }
    Credential credential = ((CredentialResult.Found) presented).credential();
    Future<VerifiedToken> verified = gate.verify(credential.token());
    if (verified.isComplete()) {
      verified(exchange, credential, verified);
      return;
    }
    Context requestContext = Vertx.currentContext();
    verified.onComplete(result -> {
      // An API-token resolution or a key refetch may complete elsewhere: continue on the request's own event loop.
      if (requestContext == null || Vertx.currentContext() == requestContext) {
        verified(exchange, credential, result);
      } else {
        requestContext.runOnContext(v -> verified(exchange, credential, result));
      }
    });
  }

  private void verified(Exchange exchange, Credential credential, AsyncResult<VerifiedToken> result) {
    if (result.failed()) {
      if (result.cause() instanceof TokenRejectedException rejected) {
        metrics.tokenFailure(rejected.reason().name());
      }
      refuse(exchange, AccessGate.refusalOf(result.cause()));
      return;
    }
    VerifiedToken token = result.result();
    Refusal revoked = gate.revocationRefusal(token);
    if (revoked != null) {
      if (revoked.status() == 401) {
        refuseRevoked(exchange, credential, token, revoked);
      } else {
        refuse(exchange, revoked);
      }
      return;
    }
    String method = exchange.request().method().name();
    // The caller's own view is for every verified caller: no activity decides it (see SelfServicePaths).
    Refusal denied = SelfServicePaths.isSelfService(exchange.target().path()) ? null
        : gate.policyRefusal(token, method, exchange.target().path());
    if (denied != null) {
      refuse(exchange, denied);
      return;
    }
    metrics.decision(DecisionOutcome.ALLOWED);
    exchange.authenticated(credential, token);
    admitted(exchange);
  }

  /**
   * A token stale only because permissions changed: a page load riding the login's cookie goes through
   * GET /auth/refresh and comes back; scripts get the 401 and call POST /auth/refresh themselves.
   */
  private void refuseRevoked(Exchange exchange, Credential credential, VerifiedToken token, Refusal refusal) {
    Revoked revoked = gate.revoked(token);
    metrics.decision(DecisionOutcome.UNAUTHENTICATED);
    if (revoked != null) {
      metrics.revokedToken(revoked.reason());
      NavigationRefresh refresh = steps.navigationRefresh();
      if (refresh != null && revoked.refreshable() && credential.source() == Credential.Source.COOKIE
          && refresh.redirectToRefresh(exchange.request(), credential.token())) {
        return;
      }
    }
    refusal.answer(exchange.request());
  }

  private void admitted(Exchange exchange) {
    HttpServerRequest request = exchange.request();
    if (steps.isLocal().test(request.method(), exchange.target().path())) {
      steps.localRoutes().handle(request);
    } else {
      steps.upstream().handle(exchange);
    }
  }

  private void refuse(Exchange exchange, Refusal refusal) {
    metrics.decision(refusal.outcome());
    refusal.answer(exchange.request());
  }

  /** CORS (with the login) and the cookie origin check; false when the request was answered here. */
  private boolean crossSiteAllowed(HttpServerRequest request) {
    MultiMap headers = request.headers();
    Cors cors = steps.cors();
    if (cors != null && headers.contains("Origin")) {
      Cors.Outcome outcome = cors.evaluate(request.method().name(), headers.get("Origin"),
          headers.get("Access-Control-Request-Method"), headers.get("Access-Control-Request-Headers"));
      HttpServerResponse response = request.response();
      if (Cors.answer(outcome, response)) {
        if (outcome instanceof Cors.Refused refused) {
          ErrorReply.send(request, 403, "cors_refused", refused.message());
        }
        return false;
      }
    }
    OriginCheck.Verdict verdict = steps.originCheck().decide(request.method().name(), request.authority(), headers);
    if (verdict instanceof OriginCheck.Deny deny) {
      ErrorReply.send(request, 403, "cross_site_request", deny.message());
      return false;
    }
    return true;
  }
}
