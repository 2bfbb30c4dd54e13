package dev.gatehouse.gateway.http;

import dev.gatehouse.gateway.apitoken.ApiTokenFormat;
import dev.gatehouse.gateway.apitoken.ApiTokenRateLimitedException;
import dev.gatehouse.gateway.apitoken.ApiTokenUnavailableException;
import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.credential.CredentialResult;
import dev.gatehouse.gateway.policy.AccessPolicy;
import dev.gatehouse.gateway.policy.Decision;
import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.revocation.Revoked;
import dev.gatehouse.gateway.token.KeysNotLoadedException;
import dev.gatehouse.gateway.token.TokenRejectedException;
import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access decision, step by step: a usable credential (401), a token that verifies (401/429/503), a revocation
 * list that is loaded, fresh and does not name the token (503/401), loaded activities (503), and an activity that
 * allows the method on the canonical path (403). The request pipeline runs these steps on every protected request;
 * {@code /explain} runs the same ones, so both give the same answer.
 */
public final class AccessGate {
  private static final Logger LOG = LoggerFactory.getLogger(AccessGate.class);

  private final CredentialExtractor credentials;
  private final TokenVerifier verifier;
  private final AccessPolicy policy;
  private final RevocationGuard revocations;

  public AccessGate(CredentialExtractor credentials, TokenVerifier verifier, AccessPolicy policy,
      RevocationGuard revocations) {
    this.credentials = credentials;
    this.verifier = verifier;
    this.policy = policy;
    this.revocations = revocations;
  }

  /** What the request presents as its credential (the same reading the cross-site check uses). */
  CredentialResult presented(MultiMap headers) {
    return credentials.extract(headers);
  }

  /** Why the presented credential cannot be verified at all, or null when it is a token to verify. */
  static Refusal credentialRefusal(CredentialResult presented) {
    if (presented instanceof CredentialResult.Found found) {
      Credential credential = found.credential();
      // API tokens are for programs, which send headers; a cookie holding one was planted, not issued by the login.
      return credential.source() == Credential.Source.COOKIE && ApiTokenFormat.hasPrefix(credential.token())
          ? Refusal.invalidToken("Send an API token in the Authorization header, not in a cookie.") : null;
    }
    if (presented instanceof CredentialResult.Invalid invalid) {
      return Refusal.unusableCredential(invalid.problem().status(), invalid.problem().oauthError(), invalid.message());
    }
    return Refusal.missingCredential();
  }

  /** Verifies a token: completes at once on a verified-token cache hit, later after a key refetch or an API-token call. */
  public Future<VerifiedToken> verify(String token) {
    return verifier.verify(token);
  }

  /** The answer for a token that did not verify. */
  public static Refusal refusalOf(Throwable failure) {
    if (failure instanceof TokenRejectedException rejected) {
      return Refusal.invalidToken(rejected.getMessage());
    }
    if (failure instanceof ApiTokenRateLimitedException limited) {
      return Refusal.tooManyRequests(limited.getMessage());
    }
    if (failure instanceof ApiTokenUnavailableException unavailable) {
      return Refusal.unavailable(unavailable.getMessage());
    }
    if (failure instanceof KeysNotLoadedException) {
      return Refusal.unavailable("The gateway cannot verify tokens yet (no signing keys loaded); try again shortly.");
    }
    LOG.error("Token verification failed unexpectedly", failure);
    return Refusal.unavailable("The gateway could not verify the token; try again shortly.");
  }

  /** Why a verified token may not be used now (revocation list missing or stale, or the token revoked), or null. */
  public Refusal revocationRefusal(VerifiedToken token) {
    String unavailable = revocations.unavailableReason();
    if (unavailable != null) {
      return Refusal.unavailable(unavailable);
    }
    Revoked revoked = revocations.check(token);
    return revoked == null ? null : Refusal.invalidToken(revoked.description());
  }

  /** Why the token's revocation makes it refused, or null; for the metrics and the page-load refresh. */
  Revoked revoked(VerifiedToken token) {
    return revocations.check(token);
  }

  /**
   * The activities' decision on {@code method path} for this token, or null while no activities are loaded (the
   * caller fails closed). Shadow activities are measured here, on decided requests only; they never change it.
   */
  public Decision decision(VerifiedToken token, String method, String path) {
    if (!policy.loaded()) {
      return null;
    }
    Decision decision = policy.decide(method, path, token.permissions());
    policy.observeShadows(method, path, token.permissions(), decision);
    return decision;
  }

  /** Why the activities refuse {@code method path} to this token, or null when one allows it. */
  public Refusal policyRefusal(VerifiedToken token, String method, String path) {
    Decision decision = decision(token, method, path);
    if (decision == null) {
      return activitiesNotLoaded();
    }
    return decision.allowed() ? null : Refusal.forbidden(method, path);
  }

  static Refusal activitiesNotLoaded() {
    return Refusal.unavailable("The gateway has not loaded its activities yet; try again shortly.");
  }

  public AccessPolicy policy() {
    return policy;
  }
}
