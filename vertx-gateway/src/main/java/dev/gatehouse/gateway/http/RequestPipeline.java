package dev.gatehouse.gateway.http;

import dev.gatehouse.gateway.apitoken.ApiTokenFormat;
import dev.gatehouse.gateway.apitoken.ApiTokenRateLimitedException;
import dev.gatehouse.gateway.apitoken.ApiTokenUnavailableException;
import dev.gatehouse.gateway.audit.CredentialKind;
import dev.gatehouse.gateway.audit.RequestAudit;
import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.credential.CredentialResult;
import dev.gatehouse.gateway.login.Cors;
import dev.gatehouse.gateway.login.NavigationRefresh;
import dev.gatehouse.gateway.login.OriginCheck;
import dev.gatehouse.gateway.ops.DecisionOutcome;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.policy.Decision;
import dev.gatehouse.gateway.reply.ErrorReply;
import dev.gatehouse.gateway.revocation.Revoked;
import dev.gatehouse.gateway.token.KeysNotLoadedException;
import dev.gatehouse.gateway.token.TokenRejectedException;
import dev.gatehouse.gateway.token.VerifiedToken;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;
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
      GatewayMetrics metrics,
      RequestAudit audit,
      GatewayTracing tracing) {}

  /** Paths the browser login owns; see {@code LoginRoutes}. */
  private static final String LOGIN_PREFIX = "/auth/";

  private final Steps steps;
  private final Set<String> publicRoutes;
  private final AccessGate gate;
  private final GatewayMetrics metrics;
  /** Decision records and tracing: each may be off, and then costs a field read per request. */
  private final RequestAudit audit;
  private final GatewayTracing tracing;

  public RequestPipeline(Steps steps) {
    this.steps = steps;
    this.publicRoutes = Set.copyOf(steps.publicRoutes());
    this.gate = steps.gate();
    this.metrics = steps.metrics();
    this.audit = steps.audit();
    this.tracing = steps.tracing();
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
    if (!crossSiteAllowed(request, target)) {
      return;
    }
    Exchange exchange = new Exchange(request, target);
    if (publicRoutes.contains(target.path())) {
      admitted(exchange);
      return;
    }
    if (tracing.enabled()) {
      exchange.serverSpan(tracing.requestStarted(request, target.path()));
    }
    CredentialResult presented = gate.presented(request.headers());
    Refusal unusable = AccessGate.credentialRefusal(presented);
    if (unusable != null) {
      Credential planted = presented instanceof CredentialResult.Found found ? found.credential() : null;
      refuse(exchange, unusable, credentialReason(presented), planted, null);
      return;
    }
    Credential credential = ((CredentialResult.Found) presented).credential();
    // API tokens are resolved inside the verifier (a cache, or a call to Keycloak): the span is named after the work.
    Span verifying = tracing.startChild(exchange.serverSpan(), ApiTokenFormat.hasPrefix(credential.token())
        ? "api_token.resolve" : "token.verify");
    Future<VerifiedToken> verified = gate.verify(credential.token());
    if (verified.isComplete()) {
      verifying.end();
      verified(exchange, credential, verified);
      return;
    }
    Context requestContext = Vertx.currentContext();
    verified.onComplete(result -> {
      verifying.end();
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
      refuse(exchange, AccessGate.refusalOf(result.cause()), verificationReason(result.cause()), credential, null);
      return;
    }
    Span authorizing = tracing.startChild(exchange.serverSpan(), "authorize");
    try {
      authorize(exchange, credential, result.result());
    } finally {
      authorizing.end();
    }
  }

  private void authorize(Exchange exchange, Credential credential, VerifiedToken token) {
    Refusal revoked = gate.revocationRefusal(token);
    if (revoked != null) {
      if (revoked.status() == 401) {
        refuseRevoked(exchange, credential, token, revoked);
      } else {
        refuse(exchange, revoked, "revocations_unavailable", credential, token);
      }
      return;
    }
    String method = exchange.request().method().name();
    // The caller's own view is for every verified caller: no activity decides it (see SelfServicePaths).
    boolean selfService = SelfServicePaths.isSelfService(exchange.target().path());
    Decision decision = selfService ? Decision.allowedBy(null)
        : gate.decision(token, method, exchange.target().path());
    if (decision == null) {
      refuse(exchange, AccessGate.activitiesNotLoaded(), "activities_not_loaded", credential, token);
      return;
    }
    // What the shadow activities would have decided, for the decision record (null: none loaded, or no records).
    String shadow = audit.enabled() && !selfService ? shadowOutcome(token, method, exchange.target().path(), decision)
        : null;
    if (!decision.allowed()) {
      metrics.decision(DecisionOutcome.DENIED);
      decided(exchange, DecisionOutcome.DENIED, 403, "no_activity", credential, token, shadow);
      Refusal.forbidden(method, exchange.target().path()).answer(exchange.request());
      return;
    }
    metrics.decision(DecisionOutcome.ALLOWED);
    exchange.authenticated(credential, token);
    if (exchange.serverSpan() != null) {
      GatewayTracing.decided(exchange.serverSpan(), CredentialKind.of(credential, token).label(),
          DecisionOutcome.ALLOWED.label(), selfService ? "self_service" : "activity");
    }
    if (audit.enabled()) {
      exchange.audit(audit.allowed(exchange.request(), exchange.serverSpan(), exchange.target().path(), credential,
          token, decision, shadow));
    }
    watchEnd(exchange);
    admitted(exchange);
  }

  /**
   * A token stale only because permissions changed: a page load riding the login's cookie goes through
   * GET /auth/refresh and comes back; scripts get the 401 and call POST /auth/refresh themselves.
   */
  private void refuseRevoked(Exchange exchange, Credential credential, VerifiedToken token, Refusal refusal) {
    Revoked revoked = gate.revoked(token);
    String reason = "revoked_" + (revoked == null ? "unknown" : revoked.reason());
    if (revoked != null) {
      metrics.revokedToken(revoked.reason());
      NavigationRefresh refresh = steps.navigationRefresh();
      if (refresh != null && revoked.refreshable() && credential.source() == Credential.Source.COOKIE
          && refresh.redirectToRefresh(exchange.request(), credential.token())) {
        metrics.decision(DecisionOutcome.UNAUTHENTICATED);
        decided(exchange, DecisionOutcome.UNAUTHENTICATED, exchange.request().response().getStatusCode(),
            reason + "_refresh", credential, token, null);
        return;
      }
    }
    refuse(exchange, refusal, reason, credential, token);
  }

  private void admitted(Exchange exchange) {
    HttpServerRequest request = exchange.request();
    if (steps.isLocal().test(request.method(), exchange.target().path())) {
      steps.localRoutes().handle(request);
    } else {
      steps.upstream().handle(exchange);
    }
  }

  /** A refusal is final: counted, recorded (decision records), noted on the trace, answered. */
  private void refuse(Exchange exchange, Refusal refusal, String reason, Credential credential, VerifiedToken token) {
    metrics.decision(refusal.outcome());
    decided(exchange, refusal.outcome(), refusal.status(), reason, credential, token, null);
    refusal.answer(exchange.request());
  }

  private void decided(Exchange exchange, DecisionOutcome outcome, int status, String reason, Credential credential,
      VerifiedToken token, String shadow) {
    if (audit.enabled()) {
      audit.refused(exchange.request(), exchange.serverSpan(), exchange.target().path(), outcome, status, reason,
          credential, token, shadow);
    }
    if (exchange.serverSpan() != null) {
      GatewayTracing.decided(exchange.serverSpan(), CredentialKind.of(credential, token).label(), outcome.label(),
          reason);
      watchEnd(exchange);
    }
  }

  /** Ends the server span and completes the decision record when the response has been sent. */
  private void watchEnd(Exchange exchange) {
    Span server = exchange.serverSpan();
    RequestAudit.PendingAllow pending = exchange.audit();
    if (server == null && pending == null) {
      return;
    }
    HttpServerResponse response = exchange.request().response();
    exchange.onEnd(() -> {
      if (server != null) {
        GatewayTracing.requestEnded(server, response.getStatusCode(), !response.ended());
      }
      if (pending != null) {
        audit.responseEnded(pending);
      }
    });
    response.endHandler(v -> exchange.ended());
  }

  /**
   * A cross-site refusal is a decision too (it keeps a cookie from being used): recorded like the others, before
   * any credential was read, so without subject. Not counted in gatehouse_decisions_total, as before.
   */
  private void recordCrossSite(HttpServerRequest request, RequestTarget target, String reason) {
    if (audit.enabled()) {
      audit.refused(request, null, target.path(), DecisionOutcome.DENIED, 403, reason, null, null, null);
    }
  }

  /** {@code would_allow} or {@code would_deny} when shadow activities are loaded, else null. */
  private String shadowOutcome(VerifiedToken token, String method, String path, Decision enforced) {
    Decision shadow = gate.policy().shadowDecision(method, path, token.permissions(), enforced);
    return shadow == null ? null : shadow.allowed() ? "would_allow" : "would_deny";
  }

  /** The decision record's reason for a credential that cannot be verified. */
  private static String credentialReason(CredentialResult presented) {
    if (presented instanceof CredentialResult.Invalid invalid) {
      return "credential_" + invalid.problem().name().toLowerCase(Locale.ROOT);
    }
    return presented instanceof CredentialResult.Found ? "api_token_in_cookie" : "credential_missing";
  }

  /** The decision record's reason for a token that did not verify. */
  private static String verificationReason(Throwable failure) {
    if (failure instanceof TokenRejectedException rejected) {
      return "token_" + rejected.reason().name().toLowerCase(Locale.ROOT);
    }
    if (failure instanceof ApiTokenRateLimitedException) {
      return "api_token_rate_limited";
    }
    if (failure instanceof ApiTokenUnavailableException) {
      return "api_token_unavailable";
    }
    return failure instanceof KeysNotLoadedException ? "keys_not_loaded" : "verification_failed";
  }

  /** CORS (with the login) and the cookie origin check; false when the request was answered here. */
  private boolean crossSiteAllowed(HttpServerRequest request, RequestTarget target) {
    MultiMap headers = request.headers();
    Cors cors = steps.cors();
    if (cors != null && headers.contains("Origin")) {
      Cors.Outcome outcome = cors.evaluate(request.method().name(), headers.get("Origin"),
          headers.get("Access-Control-Request-Method"), headers.get("Access-Control-Request-Headers"));
      HttpServerResponse response = request.response();
      if (Cors.answer(outcome, response)) {
        if (outcome instanceof Cors.Refused refused) {
          recordCrossSite(request, target, "cors_refused");
          ErrorReply.send(request, 403, "cors_refused", refused.message());
        }
        return false;
      }
    }
    OriginCheck.Verdict verdict = steps.originCheck().decide(request.method().name(), request.authority(), headers);
    if (verdict instanceof OriginCheck.Deny deny) {
      recordCrossSite(request, target, "cross_site_request");
      ErrorReply.send(request, 403, "cross_site_request", deny.message());
      return false;
    }
    return true;
  }
}
