package dev.gatehouse.gateway.apitoken;

import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.API_TOKEN_MALFORMED;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.API_TOKEN_REFUSED;

import dev.gatehouse.gateway.apitoken.ApiTokenListener.Resolution;
import dev.gatehouse.gateway.apitoken.ResolutionCache.Entry;
import dev.gatehouse.gateway.apitoken.ResolutionCache.Refused;
import dev.gatehouse.gateway.apitoken.ResolutionCache.Resolved;
import dev.gatehouse.gateway.apitoken.TokenEndpointClient.Answer;
import dev.gatehouse.gateway.apitoken.TokenEndpointClient.Granted;
import dev.gatehouse.gateway.apitoken.TokenEndpointClient.Unavailable;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import dev.gatehouse.gateway.token.TokenDigest;
import dev.gatehouse.gateway.token.TokenRejectedException;
import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an API token into the short-lived access token Keycloak issues for its owner, asking Keycloak as rarely as
 * the contract allows:
 * <ul>
 *   <li>a malformed token (shape, checksum) is refused without a call;</li>
 *   <li>answers are cached by the token's SHA-256: a resolution until min(access token exp - 10 s, resolution +
 *       {@code maxCache} (at most 50 s)), which bounds how long a revoked token keeps working; a refusal for
 *       {@code refusalCache} (10 s);</li>
 *   <li>one call per token at a time: concurrent requests for the same token share it (single-flight); a token in
 *       use is renewed in the background in the last 5 s of its cached resolution, so its requests do not stall;</li>
 *   <li>a token that did not resolve within the last hour is "unknown", and calls for unknown tokens pass a token
 *       bucket (5/s, burst 20): beyond it the request is refused with 429 and Keycloak is not called, so a flood of
 *       random tokens cannot become a flood of Keycloak calls, while known tokens refresh freely;</li>
 *   <li>Keycloak unreachable, failing or refusing the gateway's client: 503 (fail closed), and for one second every
 *       resolution fails fast without a call, so an outage is not hammered and recovery is noticed quickly.</li>
 * </ul>
 * Every access token Keycloak hands back is verified like any other token (JWKS signature, issuer, audience, exp)
 * before it is cached; its {@code exp} bounds the cache. Thread-safe, lock-free, shared by every event loop.
 */
public final class ApiTokenResolver {
  private static final Logger LOG = LoggerFactory.getLogger(ApiTokenResolver.class);
  /** An outage or a misconfiguration fails every resolution alike: one line per kind per interval. */
  private static final RateLimitedLog KEYCLOAK_LOG = RateLimitedLog.of(LOG);
  /** How long after a successful resolution a token still counts as known (exempt from the miss limiter). */
  static final Duration KNOWN_FOR = Duration.ofHours(1);
  /** How long before a resolution runs out a request renews it in the background (at most a fifth of its life). */
  static final Duration REFRESH_AHEAD = Duration.ofSeconds(5);
  private static final TokenRejectedException MALFORMED = new TokenRejectedException(API_TOKEN_MALFORMED,
      "The API token is malformed (wrong length, characters or checksum); copy it again exactly as it was shown");

  private final ApiTokenOptions options;
  private final TokenEndpointClient endpoint;
  private final TokenVerifier accessTokens;
  private final ApiTokenListener listener;
  private final Clock clock;
  private final ResolutionCache cache;
  private final MissRateLimiter limiter;
  private final Map<String, Future<String>> inflight = new ConcurrentHashMap<>();
  /** Epoch millis before which resolutions fail fast after Keycloak was found unavailable. */
  private volatile long unavailableUntil;
  private volatile ApiTokenUnavailableException lastFailure;

  /**
   * @param client       reaches Keycloak; owned by the caller
   * @param accessTokens verifies the access tokens Keycloak issues (the gateway's JWT verifier)
   */
  public ApiTokenResolver(WebClient client, ApiTokenOptions options, TokenVerifier accessTokens,
      ApiTokenListener listener) {
    this(client, options, accessTokens, listener, Clock.systemUTC());
  }

  ApiTokenResolver(WebClient client, ApiTokenOptions options, TokenVerifier accessTokens, ApiTokenListener listener,
      Clock clock) {
    this.options = options.validate();
    this.endpoint = new TokenEndpointClient(client, options);
    this.accessTokens = accessTokens;
    this.listener = listener;
    this.clock = clock;
    this.cache = new ResolutionCache(options.cacheSize());
    this.limiter = new MissRateLimiter(options.missesPerSecond(), options.missBurst(), clock);
  }

  /**
   * The access token {@code apiToken} stands for. Fails with {@link TokenRejectedException} (answer 401),
   * {@link ApiTokenRateLimitedException} (429) or {@link ApiTokenUnavailableException} (503). May complete on
   * another event loop than the caller's (when it joins a resolution started there).
   */
  public Future<String> accessToken(String apiToken) {
    if (!ApiTokenFormat.isWellFormed(apiToken)) {
      listener.malformed();
      return Future.failedFuture(MALFORMED);
    }
    String key = TokenDigest.sha256(apiToken);
    long now = clock.millis();
    Entry entry = cache.fresh(key, now);
    if (entry != null) {
      listener.cacheHit();
      if (entry instanceof Resolved resolved && now >= resolved.refreshFrom() && !inflight.containsKey(key)) {
        refreshAhead(apiToken, key);
      }
      return answer(entry);
    }
    Future<String> running = inflight.get(key);
    if (running != null) {
      listener.cacheHit();
      return running;
    }
    return resolve(apiToken, key);
  }

  private Future<String> resolve(String apiToken, String key) {
    Promise<String> promise = Promise.promise();
    Future<String> mine = promise.future();
    Future<String> running = inflight.putIfAbsent(key, mine);
    if (running != null) {
      listener.cacheHit();
      return running;
    }
    long now = clock.millis();
    // A resolution may have finished between the cache read and claiming the slot.
    Entry entry = cache.fresh(key, now);
    if (entry != null) {
      inflight.remove(key, mine);
      listener.cacheHit();
      return answer(entry);
    }
    ApiTokenUnavailableException failure = lastFailure;
    if (now < unavailableUntil && failure != null) {
      inflight.remove(key, mine);
      return Future.failedFuture(failure);
    }
    long knownUntil = cache.knownUntil(key);
    if (now >= knownUntil && !limiter.tryAcquire()) {
      inflight.remove(key, mine);
      listener.rateLimited();
      return Future.failedFuture(new ApiTokenRateLimitedException("Too many unknown API tokens are arriving; this "
          + "one was not checked. Retry in a moment."));
    }
    call(apiToken, key, promise);
    return mine;
  }

  /**
   * A busy token's resolution is renewed shortly before it runs out, while requests keep being answered from the
   * cache, so they do not all wait for Keycloak at once. The revocation bound is unchanged: the entry is still never
   * served past its {@code freshUntil}. A refusal replaces it at once; an outage leaves it to run out.
   */
  private void refreshAhead(String apiToken, String key) {
    Promise<String> promise = Promise.promise();
    if (inflight.putIfAbsent(key, promise.future()) != null || clock.millis() < unavailableUntil) {
      inflight.remove(key, promise.future());
      return;
    }
    call(apiToken, key, promise);
  }

  private void call(String apiToken, String key, Promise<String> promise) {
    Future<String> mine = promise.future();
    listener.keycloakCall();
    endpoint.resolve(apiToken)
        .compose(this::settle)
        .onComplete(result -> {
          if (result.succeeded()) {
            cache.put(key, result.result(), clock.millis());
          }
          inflight.remove(key, mine);
          Future<String> answer = result.succeeded() ? answer(result.result()) : Future.failedFuture(result.cause());
          if (answer.succeeded()) {
            promise.complete(answer.result());
          } else {
            promise.fail(answer.cause());
          }
        });
  }

  /** What to cache for Keycloak's answer; a failed Future (not cached) when Keycloak is unavailable. */
  private Future<Entry> settle(Answer answer) {
    if (answer instanceof Granted granted) {
      return accessTokens.verify(granted.accessToken()).transform(verified -> {
        long now = clock.millis();
        if (verified.succeeded()) {
          listener.resolution(Resolution.RESOLVED);
          return Future.succeededFuture(resolved(granted.accessToken(), verified.result(), now));
        }
        if (verified.cause() instanceof TokenRejectedException rejected) {
          // Keycloak issued a token this gateway does not accept: a configuration mismatch, not the caller's fault.
          KEYCLOAK_LOG.warn("rejected", "Keycloak resolved an API token to an access token the gateway rejects ({}):"
              + " check that the '{}' client's tokens carry this gateway's audience and issuer",
              rejected.getMessage(), options.clientId());
          listener.resolution(Resolution.REFUSED);
          return Future.succeededFuture(new Refused(rejected, now + options.refusalCache().toMillis()));
        }
        return unavailable(new Unavailable("the access token for an API token could not be verified: "
            + verified.cause().getMessage(), false));
      });
    }
    if (answer instanceof TokenEndpointClient.Refused refused) {
      listener.resolution(Resolution.REFUSED);
      String because = refused.description() == null ? "" : ": " + refused.description();
      return Future.succeededFuture(new Refused(
          new TokenRejectedException(API_TOKEN_REFUSED, "The API token was refused" + because),
          clock.millis() + options.refusalCache().toMillis()));
    }
    return unavailable((Unavailable) answer);
  }

  private Future<Entry> unavailable(Unavailable answer) {
    listener.resolution(Resolution.UNAVAILABLE);
    if (answer.misconfigured()) {
      KEYCLOAK_LOG.error("misconfigured", "Cannot resolve API tokens: {}. API-token requests answer 503; check the"
          + " '{}' client and its secret in Keycloak and in apiTokens.", answer.problem(), options.clientId());
    } else {
      KEYCLOAK_LOG.warn("unavailable", "Cannot resolve API tokens: {}. API-token requests answer 503; check that"
          + " Keycloak is up and reachable at {}.", answer.problem(), options.tokenEndpoint());
    }
    ApiTokenUnavailableException failure = new ApiTokenUnavailableException(
        "The gateway cannot check API tokens right now (Keycloak is unavailable); try again shortly.");
    lastFailure = failure;
    unavailableUntil = clock.millis() + ApiTokenOptions.UNAVAILABLE_CACHE.toMillis();
    return Future.failedFuture(failure);
  }

  private Resolved resolved(String accessToken, VerifiedToken verified, long now) {
    long byExpiry = verified.expiresAtEpochSecond() * 1_000 - ApiTokenOptions.EXPIRY_MARGIN.toMillis();
    long freshUntil = Math.min(now + options.maxCache().toMillis(), byExpiry);
    long refreshFrom = freshUntil - Math.min(REFRESH_AHEAD.toMillis(), Math.max(0, freshUntil - now) / 5);
    return new Resolved(accessToken, verified, refreshFrom, freshUntil, now + KNOWN_FOR.toMillis());
  }

  private static Future<String> answer(Entry entry) {
    return entry instanceof Resolved resolved
        ? Future.succeededFuture(resolved.accessToken())
        : Future.failedFuture(((Refused) entry).rejection());
  }

  /**
   * Live revocation: forgets every cached resolution whose access token {@code revoked} refuses (a revoked API token,
   * a disabled owner, changed permissions), so that the next use asks Keycloak again. Returns how many.
   */
  public int dropRevoked(Predicate<VerifiedToken> revoked) {
    return cache.dropResolutions(revoked);
  }

  int cachedTokens() {
    return cache.size();
  }
}
