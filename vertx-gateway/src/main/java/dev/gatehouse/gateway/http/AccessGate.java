package dev.gatehouse.gateway.http;

import dev.gatehouse.gateway.apitoken.ApiTokenFormat;
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
    CredentialResult presented = credentials.extract(ctx.request().headers());
    if (presented instanceof CredentialResult.Invalid invalid) {
      metrics.decision(DecisionOutcome.UNAUTHENTICATED);
      ErrorResponses.unusableCredential(ctx, invalid);
      return;
    }
    if (!(presented instanceof CredentialResult.Found found)) {
      metrics.decision(DecisionOutcome.UNAUTHENTICATED);
      ErrorResponses.missingCredential(ctx);
      return;
    }
    Credential credential = found.credential();
    if (credential.source() == Credential.Source.COOKIE && ApiTokenFormat.hasPrefix(credential.token())) {
      // API tokens are for programs, which send headers; a cookie holding one was planted, not issued by the login.
      metrics.decision(DecisionOutcome.UNAUTHENTICATED);
      ErrorResponses.invalidToken(ctx, "Send an API token in the Authorization header, not in a cookie.");
      return;
    }
    ctx.request().pause();
    Context requestContext = Vertx.currentContext();
    verifier.verify(credential.token()).onComplete(result -> {
      // The verifier may complete on another thread (e.g. after a key refetch): continue on the request's own.
      Runnable next = result.failed()
          ? () -> refuse(ctx, result.cause())
          : () -> authorize(ctx, target, credential, result.result());
      if (requestContext == null || Vertx.currentContext() == requestContext) {
        next.run();
      } else {
        requestContext.runOnContext(v -> next.run());
      }
    });
  }

  private void authorize(RoutingContext ctx, RequestTarget target, Credential credential, VerifiedToken token) {
    String revocationUnavailable = revocations.unavailableReason();
    if (revocationUnavailable != null) {
      metrics.decision(DecisionOutcome.UNAVAILABLE);
      ErrorResponses.unavailable(ctx, revocationUnavailable);
      return;
    }
    Revoked revoked = revocations.check(token);
    if (revoked != null) {
      // A token stale only because permissions changed: a page load riding the login's cookie goes through
      // GET /auth/refresh and comes back; scripts get the 401 and call POST /auth/refresh themselves.
      metrics.decision(DecisionOutcome.UNAUTHENTICATED);
      metrics.revokedToken(revoked.reason());
      if (navigationRefresh != null && revoked.refreshable() && credential.source() == Credential.Source.COOKIE
          && navigationRefresh.redirectToRefresh(ctx, credential.token())) {
        return;
      }
      ErrorResponses.invalidToken(ctx, revoked.description());
      return;
    }
    if (!policy.loaded()) {
      metrics.decision(DecisionOutcome.UNAVAILABLE);
      ErrorResponses.unavailable(ctx, "The gateway has not loaded its activities yet; try again shortly.");
      return;
    }
    String method = ctx.request().method().name();
    Decision decision = policy.decide(method, target.path(), token.permissions());
    policy.observeShadows(method, target.path(), token.permissions(), decision);
    if (!decision.allowed()) {
      metrics.decision(DecisionOutcome.DENIED);
      ErrorResponses.forbidden(ctx, method, target.path());
      return;
    }
    metrics.decision(DecisionOutcome.ALLOWED);
    RequestState.authenticated(ctx, credential, token);
    ctx.next();
  }

  private void refuse(RoutingContext ctx, Throwable cause) {
    if (cause instanceof TokenRejectedException rejected) {
      metrics.decision(DecisionOutcome.UNAUTHENTICATED);
      metrics.tokenFailure(rejected.reason().name());
      ErrorResponses.invalidToken(ctx, rejected.getMessage());
    } else if (cause instanceof ApiTokenRateLimitedException limited) {
      metrics.decision(DecisionOutcome.UNAUTHENTICATED);
      ErrorResponses.tooManyRequests(ctx, limited.getMessage());
    } else if (cause instanceof ApiTokenUnavailableException unavailable) {
      metrics.decision(DecisionOutcome.UNAVAILABLE);
      ErrorResponses.unavailable(ctx, unavailable.getMessage());
    } else if (cause instanceof KeysNotLoadedException) {
      metrics.decision(DecisionOutcome.UNAVAILABLE);
      ErrorResponses.unavailable(ctx, "The gateway cannot verify tokens yet (no signing keys loaded); try again shortly.");
    } else {
      LOG.error("Token verification failed unexpectedly", cause);
      metrics.decision(DecisionOutcome.UNAVAILABLE);
      ErrorResponses.unavailable(ctx, "The gateway could not verify the token; try again shortly.");
    }
  }
}
