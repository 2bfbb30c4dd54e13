package dev.gatehouse.gateway.token;

import dev.gatehouse.gateway.logging.RateLimitedLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's signing keys, fetched from its JWKS with the Vert.x HTTP client and kept fresh.
 *
 * <ul>
 *   <li>Fetches on {@link #start()}, then every refresh interval. A failed fetch is retried with exponential backoff
 *       (initial delay doubling up to the maximum), whether or not keys were loaded before.</li>
 *   <li>A fetch that yields no usable key (unreachable, bad JSON, only {@code enc} or HMAC keys, ...) never replaces
 *       the current keys: the previous set keeps serving, and the failure is logged and counted.</li>
 *   <li>An unknown {@code kid} triggers at most one fetch per cooldown; concurrent callers share one fetch.</li>
 * </ul>
 *
 * <p>Stale keys serve indefinitely while Keycloak is down: they are still the realm's keys, and tokens expire anyway.
 */
public final class JwksKeySource implements SigningKeyProvider {

  private static final Logger LOG = LoggerFactory.getLogger(JwksKeySource.class);
  /** Keycloak down fails every retry and unknown-kid refetch alike: one line per interval. */
  private static final RateLimitedLog FETCH_LOG = RateLimitedLog.of(LOG);
  private static final long NEVER = Long.MIN_VALUE;

  private final Vertx vertx;
  private final TokenVerifierOptions options;
  private final JwksParser parser;
  private final HttpClient client;
  private final Clock clock;

  private final AtomicReference<SigningKeys> keys = new AtomicReference<>();
  private final AtomicReference<Future<SigningKeys>> inflight = new AtomicReference<>();
  private final Promise<Void> firstLoad = Promise.promise();
  private final Context context;
  private final AtomicLong fetches = new AtomicLong();
  private long lastUnknownKidFetchNanos = NEVER;
  private volatile Instant lastSuccess;
  private volatile String lastFailure;
  private volatile int consecutiveFailures;
  private volatile long timerId = -1;
  private volatile boolean closed;

  public JwksKeySource(Vertx vertx, TokenVerifierOptions options) {
    this(vertx, options, Clock.systemUTC());
  }

  JwksKeySource(Vertx vertx, TokenVerifierOptions options, Clock clock) {
    this.vertx = vertx;
    this.options = options.copy().validate();
    this.parser = new JwksParser(this.options.getAllowedAlgorithms());
    this.clock = clock;
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) this.options.getFetchTimeout().toMillis())
        // Keep-alive with a short idle timeout. With keep-alive off, a fetch soon after the previous one sometimes
        // waited on the closing connection until the fetch timeout (seen as a 5 s stall in the rotation test).
        .setKeepAlive(true)
        .setKeepAliveTimeout(10));
  }

  /** Starts the first fetch and the refresh timer. Returns at once; see {@link #whenReady()}. */
  public JwksKeySource start() {
    refreshAndReschedule();
    return this;
  }

  /** Completes once the first non-empty key set is loaded. Never fails: an unreachable issuer is retried. */
  public Future<Void> whenReady() {
    return firstLoad.future();
  }

  public boolean ready() {
    return keys.get() != null;
  }

  @Override
  public SigningKeys current() {
    return keys.get();
  }

  public KeySetStatus status() {
    SigningKeys current = keys.get();
    return new KeySetStatus(current != null, current == null ? 0 : current.size(), lastSuccess, lastFailure,
        consecutiveFailures, fetches.get());
  }

  @Override
  public Future<SigningKeys> refreshForUnknownKid() {
    Future<SigningKeys> shared;
    synchronized (this) {
      shared = inflight.get();
      if (shared == null) {
        long now = System.nanoTime();
        boolean coolingDown = lastUnknownKidFetchNanos != NEVER
            && now - lastUnknownKidFetchNanos < options.getUnknownKidCooldown().toNanos();
        if (coolingDown || closed) {
          return Future.succeededFuture(keys.get());
        }
        lastUnknownKidFetchNanos = now;
        shared = fetchShared();
      }
    }
    return shared.otherwise(error -> keys.get());
  }

  /** Stops the timer and closes the HTTP client. The current keys stay readable. */
  public Future<Void> close() {
    closed = true;
    long id = timerId;
    if (id >= 0) {
      vertx.cancelTimer(id);
    }
    return client.close();
  }

  private void refreshAndReschedule() {
    if (closed) {
      return;
    }
    fetchShared().onComplete(result -> {
      if (closed) {
        return;
      }
      long delay = result.succeeded() ? options.getRefreshInterval().toMillis() : retryDelayMillis();
      timerId = vertx.setTimer(delay, id -> refreshAndReschedule());
    });
  }

  private long retryDelayMillis() {
    long initial = options.getInitialRetryDelay().toMillis();
    long max = Math.min(options.getMaxRetryDelay().toMillis(), options.getRefreshInterval().toMillis());
    int doublings = Math.min(Math.max(consecutiveFailures - 1, 0), 20);
    return Math.max(1, Math.min(initial << doublings, max));
  }

  /** One fetch at a time: a caller arriving during a fetch gets the running one. */
  private Future<SigningKeys> fetchShared() {
    while (true) {
      Future<SigningKeys> running = inflight.get();
      if (running != null) {
        return running;
      }
      Promise<SigningKeys> promise = Promise.promise();
      if (inflight.compareAndSet(null, promise.future())) {
        // Every fetch runs on the source's own event loop, whichever thread asked (a request's event loop, a
        // timer, or a test thread): one thread owns the client and the counters.
        context.runOnContext(ignored -> fetchAndInstall().onComplete(result -> {
          // Clear first, then announce: a caller woken by whenReady() that meets an unknown kid must start a new
          // fetch, not join this finished one and get the keys it just replaced.
          inflight.set(null);
          if (result.succeeded()) {
            firstLoad.tryComplete();
          }
          promise.handle(result);
        }));
        return promise.future();
      }
    }
  }

  private Future<SigningKeys> fetchAndInstall() {
    fetches.incrementAndGet();
    String url = options.getJwksUrl();
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(url)
        .putHeader(HttpHeaders.ACCEPT, "application/json")
        .setIdleTimeout(options.getFetchTimeout().toMillis());
    Future<SigningKeys> attempt;
    try {
      attempt = client.request(request)
          .compose(req -> req.send())
          .compose(this::readBody)
          .map(this::install)
          .timeout(options.getFetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      attempt = Future.failedFuture(e);
    }
    return attempt.onFailure(error -> {
      consecutiveFailures++;
      lastFailure = error.getMessage();
      if (ready()) {
        FETCH_LOG.warn("refresh", "Could not refresh signing keys from {}: {}. The {} keys loaded before stay in"
            + " use.", url, error.getMessage(), keys.get().size());
      } else {
        FETCH_LOG.error("load", "Could not load signing keys from {}: {}. Tokens are refused with 503 until this"
            + " succeeds; check that Keycloak is up and that the JWKS URL is right. Retrying.", url, error.getMessage());
      }
    });
  }

  private Future<Buffer> readBody(HttpClientResponse response) {
    if (response.statusCode() != 200) {
      return Future.failedFuture(new IllegalStateException("the JWKS endpoint answered HTTP " + response.statusCode()));
    }
    String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && isLongerThan(length, options.getMaxJwksBytes())) {
      response.request().reset();
      return Future.failedFuture(new IllegalStateException("the JWKS is larger than " + options.getMaxJwksBytes() + " bytes"));
    }
    return response.body().compose(body -> body.length() > options.getMaxJwksBytes()
        ? Future.failedFuture(new IllegalStateException("the JWKS is larger than " + options.getMaxJwksBytes() + " bytes"))
        : Future.succeededFuture(body));
  }

  private static boolean isLongerThan(String contentLength, int max) {
    try {
      return Long.parseLong(contentLength.trim()) > max;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private SigningKeys install(Buffer body) {
    JwksParser.Result parsed = parser.parse(body.getBytes());
    if (!parsed.skipped().isEmpty()) {
      LOG.debug("Skipped JWKS keys: {}", parsed.skipped());
    }
    if (parsed.keys().isEmpty()) {
      throw new IllegalStateException("the JWKS holds no usable signing key (allowed algorithms "
          + options.getAllowedAlgorithms() + "; skipped: " + String.join(", ", parsed.skipped()) + ")");
    }
    SigningKeys fresh = SigningKeys.of(parsed.keys());
    lastSuccess = clock.instant();
    lastFailure = null;
    consecutiveFailures = 0;
    SigningKeys previous = keys.getAndSet(fresh);
    logChange(previous, fresh);
    return fresh;
  }

  private static void logChange(SigningKeys previous, SigningKeys fresh) {
    if (previous == null) {
      LOG.info("Loaded {} signing key(s): {}", fresh.size(), fresh.kids());
      return;
    }
    Set<String> added = new HashSet<>(fresh.kids());
    added.removeAll(previous.kids());
    Set<String> removed = new HashSet<>(previous.kids());
    removed.removeAll(fresh.kids());
    if (!added.isEmpty() || !removed.isEmpty()) {
      LOG.info("Signing keys changed: added {}, removed {}", added, removed);
    }
  }
}
