package dev.gatehouse.gateway.token;

import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.BAD_ALGORITHM;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.BAD_SIGNATURE;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.MALFORMED;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.UNKNOWN_KEY;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * Verifies access tokens of one issuer. In order, cheapest first:
 * <ol>
 *   <li>form and header without any key: length cap, three strict base64url parts, allowed {@code alg}, {@code kid},
 *       no {@code crit} ({@link SignedToken});</li>
 *   <li>the verified-token cache (by SHA-256 of the token; an entry whose key left the JWKS is dropped);</li>
 *   <li>the key named by {@code kid} from the issuer's JWKS (an unknown kid may trigger one shared refetch), whose
 *       algorithm must match the token's; then the signature, checked by Nimbus JOSE+JWT ({@link SigningKey});</li>
 *   <li>the claims ({@link ClaimsValidator}): {@code iss}, {@code typ} Bearer, {@code exp}/{@code nbf}/{@code iat},
 *       audience and authorized party, claim types.</li>
 * </ol>
 *
 * <p>Nimbus JOSE+JWT does the JOSE work (header JSON, JWK parsing, RSASSA and ECDSA verification); the gateway keeps
 * its stricter policy on top and never lets Nimbus fetch or choose keys: a token is only ever checked against the one
 * JWKS key its {@code kid} names, held in an immutable, never-empty {@link SigningKeys}, so there is no keyless mode.
 * Nimbus rather than vertx-auth-jwt: its verifiers are small, stateless per call and take one key each, where JWTAuth
 * cannot take new keys once built, accepts unsigned tokens when built without usable keys, and throws on some claims.
 *
 * <p>Thread-safe: one instance can serve every event loop. The result completes on the caller's context.
 * Every failure is a failed Future: {@link TokenRejectedException} (answer 401) or {@link KeysNotLoadedException}
 * (answer 503). Nothing is thrown, and the token never appears in a message or log.
 */
public final class JwtTokenVerifier implements TokenVerifier {

  private final TokenVerifierOptions options;
  private final SigningKeyProvider keyProvider;
  private final TokenVerificationListener listener;
  private final ClaimsValidator claimsValidator;
  private final VerifiedTokenCache cache;
  private final Clock clock;

  public JwtTokenVerifier(TokenVerifierOptions options, SigningKeyProvider keyProvider, TokenVerificationListener listener) {
    this(options, keyProvider, listener, Clock.systemUTC());
  }

  JwtTokenVerifier(TokenVerifierOptions options, SigningKeyProvider keyProvider, TokenVerificationListener listener,
                   Clock clock) {
    this.options = options.copy().validate();
    this.keyProvider = keyProvider;
    this.listener = listener;
    this.claimsValidator = new ClaimsValidator(this.options);
    this.cache = new VerifiedTokenCache(this.options.getCacheSize());
    this.clock = clock;
  }

  @Override
  public boolean ready() {
    return keyProvider.current() != null;
  }

  @Override
  public Future<VerifiedToken> verify(String compactJwt) {
    try {
      // Cache first: an entry means this exact string was parsed and verified before, so a hit skips the base64
      // and JSON work as well as the signature.
      String cacheKey = VerifiedTokenCache.keyOf(compactJwt);
      SigningKeys keys = keyProvider.current();
      VerifiedTokenCache.Entry cached = cache.get(cacheKey, clock.instant());
      if (cached != null) {
        if (keys != null && keys.contains(cached.kid())) {
          listener.accepted(true);
          return Future.succeededFuture(cached.token());
        }
        cache.remove(cacheKey);
      }
      SignedToken jwt = SignedToken.parse(compactJwt, options.getMaxTokenBytes(), options.getAllowedAlgorithms());
      if (keys == null) {
        listener.keysNotLoaded();
        return Future.failedFuture(new KeysNotLoadedException(
            "The gateway has not loaded the issuer's signing keys yet; retry shortly"));
      }
      SigningKey key = keys.find(jwt.kid());
      if (key != null) {
        return settle(() -> verifyWithKey(jwt, key, cacheKey));
      }
      return onCallerContext(keyProvider.refreshForUnknownKid()).compose(refreshed -> settle(() -> {
        SigningKey fetched = refreshed == null ? null : refreshed.find(jwt.kid());
        if (fetched == null) {
          throw new TokenRejectedException(UNKNOWN_KEY, "token was signed with an unknown key");
        }
        return verifyWithKey(jwt, fetched, cacheKey);
      }));
    } catch (RuntimeException e) {
      return reject(e);
    }
  }

  private VerifiedToken verifyWithKey(SignedToken jwt, SigningKey key, String cacheKey) {
    if (!key.accepts(jwt.algorithm())) {
      throw new TokenRejectedException(BAD_ALGORITHM, "token algorithm does not match its key");
    }
    listener.signatureChecked();
    if (!key.verifies(jwt.algorithm(), jwt.signingInput(), jwt.signature())) {
      throw new TokenRejectedException(BAD_SIGNATURE, "token signature is invalid");
    }
    VerifiedToken token = claimsValidator.validate(jwt.payload(), clock.instant());
    cache.put(cacheKey, new VerifiedTokenCache.Entry(token, key.kid()), clock.instant());
    return token;
  }

  private interface Step {
    VerifiedToken run();
  }

  private Future<VerifiedToken> settle(Step step) {
    try {
      VerifiedToken token = step.run();
      listener.accepted(false);
      return Future.succeededFuture(token);
    } catch (RuntimeException e) {
      return reject(e);
    }
  }

  private Future<VerifiedToken> reject(RuntimeException e) {
    TokenRejectedException rejection = e instanceof TokenRejectedException known
        ? known
        : new TokenRejectedException(MALFORMED, "token could not be read");
    listener.rejected(rejection.reason());
    return Future.failedFuture(rejection);
  }

  /** The key refetch completes on the HTTP client's thread; hop back so callers stay on their event loop. */
  private static <T> Future<T> onCallerContext(Future<T> future) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(result -> caller.runOnContext(v -> promise.handle(result)));
    return promise.future();
  }

  int cachedTokens() {
    return cache.size();
  }
}
