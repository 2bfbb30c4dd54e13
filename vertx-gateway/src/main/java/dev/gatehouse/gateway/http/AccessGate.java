package dev.gatehouse.gateway.http;

import dev.gatehouse.gateway.apitoken.ApiTokenFormat;
import dev.gatehouse.gateway.audit.CredentialKind;
import dev.gatehouse.gateway.audit.RequestAudit;
import dev.gatehouse.gateway.apitoken.ApiTokenRateLimitedException;
import dev.gatehouse.gateway.apitoken.ApiTokenUnavailableException;
import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.credential.CredentialResult;
import dev.gatehouse.gateway.login.NavigationRefresh;
import dev.gatehouse.gateway.ops.DecisionOutcome;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.policy.Decision;
import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.revocation.Revoked;
import dev.gatehouse.gateway.token.KeysNotLoadedException;
import dev.gatehouse.gateway.token.TokenRejectedException;
import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.token.VerifiedToken;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request on only when its route is public, or its credential verifies and an activity allows its method
 * on its canonical path. Everything else is answered here: 401, 403 or (fail closed) 503.
 */
public final class AccessGate implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(AccessGate.class);

  private final Set<String> publicRoutes;
  private final CredentialExtractor credentials;
  private final TokenVerifier verifier;
  private final AccessPolicy policy;
  private final GatewayMetrics metrics;
  private final RevocationGuard revocations;
  /** Null without the browser login. */
  private final NavigationRefresh navigationRefresh;
  private final RequestAudit audit;
  private final GatewayTracing tracing;

  public AccessGate(Set<String> publicRoutes, CredentialExtractor credentials, TokenVerifier verifier,
      AccessPolicy policy, GatewayMetrics metrics) {
    this(publicRoutes, credentials, verifier, policy, metrics, RevocationGuard.alwaysFresh());
  }

  public AccessGate(Set<String> publicRoutes, CredentialExtractor credentials, TokenVerifier verifier,
      AccessPolicy policy, GatewayMetrics metrics, RevocationGuard revocations) {
    this(publicRoutes, credentials, verifier, policy, metrics, revocations, null);
  }

  /** @param navigationRefresh the login's page-load refresh, or null when the gateway has no browser login */
  public AccessGate(Set<String> publicRoutes, CredentialExtractor credentials, TokenVerifier verifier,
      AccessPolicy policy, GatewayMetrics metrics, RevocationGuard revocations, NavigationRefresh navigationRefresh) {
    this(publicRoutes, credentials, verifier, policy, metrics, revocations, navigationRefresh, RequestAudit.off(),
        GatewayTracing.off());
  }

  /** With the decision audit trail and tracing (each may be off). */
  public AccessGate(Set<String> publicRoutes, CredentialExtractor credentials, TokenVerifier verifier,
      AccessPolicy policy, GatewayMetrics metrics, RevocationGuard revocations, NavigationRefresh navigationRefresh,
      RequestAudit audit, GatewayTracing tracing) {
    this.audit = audit;
    this.tracing = tracing;
    this.navigationRefresh = navigationRefresh;
    this.publicRoutes = Set.copyOf(publicRoutes);
    this.credentials = credentials;
    this.verifier = verifier;
    this.policy = policy;
    this.metrics = metrics;
    this.revocations = revocations;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RequestTarget target = RequestState.target(ctx);
    if (publicRoutes.contains(target.path())) {
      ctx.next();
      return;
    }
    tracing.requestStarted(ctx, target.path());
    CredentialResult presented = credentials.extract(ctx.request().headers());
    if (presented instanceof CredentialResult.Invalid invalid) {
      decided(ctx, target, DecisionOutcome.UNAUTHENTICATED, invalid.problem().status(),
          "credential_" + invalid.problem().name().toLowerCase(java.util.Locale.ROOT), null, null);
      ErrorResponses.unusableCredential(ctx, invalid);
      return;
    }
    if (!(presented instanceof CredentialResult.Found found)) {
      decided(ctx, target, DecisionOutcome.UNAUTHENTICATED, 401, "credential_missing", null, null);
      ErrorResponses.missingCredential(ctx);
      return;
    }
    Credential credential = found.credential();
    if (credential.source() == Credential.Source.COOKIE && ApiTokenFormat.hasPrefix(credential.token())) {
      // API tokens are for programs, which send headers; a cookie holding one was planted, not issued by the login.
      decided(ctx, target, DecisionOutcome.UNAUTHENTICATED, 401, "api_token_in_cookie", credential, null);
      ErrorResponses.invalidToken(ctx, "Send an API token in the Authorization header, not in a cookie.");
      return;
    }
    ctx.request().pause();
    Context requestContext = Vertx.currentContext();
    // API tokens are resolved inside the verifier (a cache, or a call to Keycloak): name the span after the work.
    Span verifying = tracing.startChild(ctx, ApiTokenFormat.hasPrefix(credential.token())
        ? "api_token.resolve" : "token.verify");
    verifier.verify(credential.token()).onComplete(result -> {
      verifying.end();
      // The verifier may complete on another thread (e.g. after a key refetch): continue on the request's own.
      Runnable next = result.failed()
          ? () -> refuse(ctx, target, credential, result.cause())
          : () -> authorize(ctx, target, credential, result.result());
      if (requestContext == null || Vertx.currentContext() == requestContext) {
        next.run();
      } else {
        requestContext.runOnContext(v -> next.run());
      }
    });
  }

  private void authorize(RoutingContext ctx, RequestTarget target, Credential credential, VerifiedToken token) {
    Span authorizing = tracing.startChild(ctx, "authorize");
    try {
      decide(ctx, target, credential, token);
    } finally {
      authorizing.end();
    }
  }

  private void decide(RoutingContext ctx, RequestTarget target, Credential credential, VerifiedToken token) {
    String revocationUnavailable = revocations.unavailableReason();
    if (revocationUnavailable != null) {
      decided(ctx, target, DecisionOutcome.UNAVAILABLE, 503, "revocations_unavailable", credential, token);
      ErrorResponses.unavailable(ctx, revocationUnavailable);
      return;
    }
    Revoked revoked = revocations.check(token);
    if (revoked != null) {
      // A token stale only because permissions changed: a page load riding the login's cookie goes through
      // GET /auth/refresh and comes back; scripts get the 401 and call POST /auth/refresh themselves.
      metrics.revokedToken(revoked.reason());
      if (navigationRefresh != null && revoked.refreshable() && credential.source() == Credential.Source.COOKIE
          && navigationRefresh.redirectToRefresh(ctx, credential.token())) {
        decided(ctx, target, DecisionOutcome.UNAUTHENTICATED, ctx.response().getStatusCode(),
            "revoked_" + revoked.reason() + "_refresh", credential, token);
        return;
      }
      decided(ctx, target, DecisionOutcome.UNAUTHENTICATED, 401, "revoked_" + revoked.reason(), credential, token);
      ErrorResponses.invalidToken(ctx, revoked.description());
      return;
    }
    if (!policy.loaded()) {
      decided(ctx, target, DecisionOutcome.UNAVAILABLE, 503, "activities_not_loaded", credential, token);
      ErrorResponses.unavailable(ctx, "The gateway has not loaded its activities yet; try again shortly.");
      return;
    }
    String method = ctx.request().method().name();
    Decision decision = policy.decide(method, target.path(), token.permissions());
    if (!decision.allowed()) {
      decided(ctx, target, DecisionOutcome.DENIED, 403, "no_activity", credential, token);
      ErrorResponses.forbidden(ctx, method, target.path());
      return;
    }
    metrics.decision(DecisionOutcome.ALLOWED);
    if (tracing.enabled()) {
      tracing.decided(ctx, CredentialKind.of(credential, token).label(), DecisionOutcome.ALLOWED.label(), "activity");
    }
    audit.allowed(ctx, target.path(), credential, token, decision);
    RequestState.authenticated(ctx, credential, token);
    ctx.next();
  }

  private void refuse(RoutingContext ctx, RequestTarget target, Credential credential, Throwable cause) {
    if (cause instanceof TokenRejectedException rejected) {
      metrics.tokenFailure(rejected.reason().name());
      decided(ctx, target, DecisionOutcome.UNAUTHENTICATED, 401,
          "token_" + rejected.reason().name().toLowerCase(java.util.Locale.ROOT), credential, null);
      ErrorResponses.invalidToken(ctx, rejected.getMessage());
    } else if (cause instanceof ApiTokenRateLimitedException limited) {
      decided(ctx, target, DecisionOutcome.UNAUTHENTICATED, 429, "api_token_rate_limited", credential, null);
      ErrorResponses.tooManyRequests(ctx, limited.getMessage());
    } else if (cause instanceof ApiTokenUnavailableException unavailable) {
      decided(ctx, target, DecisionOutcome.UNAVAILABLE, 503, "api_token_unavailable", credential, null);
      ErrorResponses.unavailable(ctx, unavailable.getMessage());
    } else if (cause instanceof KeysNotLoadedException) {
      decided(ctx, target, DecisionOutcome.UNAVAILABLE, 503, "keys_not_loaded", credential, null);
      ErrorResponses.unavailable(ctx, "The gateway cannot verify tokens yet (no signing keys loaded); try again shortly.");
    } else {
      LOG.error("Token verification failed unexpectedly", cause);
      decided(ctx, target, DecisionOutcome.UNAVAILABLE, 503, "verification_failed", credential, null);
      ErrorResponses.unavailable(ctx, "The gateway could not verify the token; try again shortly.");
    }
  }

  /** A refusal is final: count it, record it (audit trail) and note it on the trace. */
  private void decided(RoutingContext ctx, RequestTarget target, DecisionOutcome outcome, int status, String reason,
      Credential credential, VerifiedToken token) {
    metrics.decision(outcome);
    audit.refused(ctx, target.path(), outcome, status, reason, credential, token);
    if (tracing.enabled()) {
      tracing.decided(ctx, CredentialKind.of(credential, token).label(), outcome.label(), reason);
    }
  }
}
