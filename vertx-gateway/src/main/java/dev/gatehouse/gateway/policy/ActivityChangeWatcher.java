package dev.gatehouse.gateway.policy;

import dev.gatehouse.gateway.logging.Failures;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Keeps an {@link ActivityIndexHolder} in step with PostgreSQL. A LISTEN on {@code gatehouse_activities} triggers a
 * full reload; so does every (re)subscription, because notifications sent while disconnected are lost. A periodic
 * version check is the safety net. Reloads are single-flight, the index is built off the event loop, and a failed
 * load keeps the last good index serving.
 */
public final class ActivityChangeWatcher {
  public static final String CHANNEL = "gatehouse_activities";
  private static final Logger LOG = LoggerFactory.getLogger(ActivityChangeWatcher.class);
  /** PostgreSQL down or flapping makes every poll, reload and reconnect fail: one line per interval each. */
  private static final RateLimitedLog DOWN_LOG = RateLimitedLog.of(LOG);
  private static final long MAX_RECONNECT_DELAY_MS = 10_000;

  private final Vertx vertx;
  private final PgConnectOptions connectOptions;
  private final ActivityStore store;
  private final ActivityIndexHolder holder;
  private final Duration pollInterval;
  private final AtomicLong reloadFailures = new AtomicLong();
  private final AtomicLong skippedActivities = new AtomicLong();

  private Context context;
  private PgSubscriber subscriber;
  private long pollTimer = -1;
  /** The reload in progress and the one queued behind it; touched only on {@link #context}. */
  private Promise<Void> running;
  private Promise<Void> queued;
  /** Why the LISTEN connection last failed (PostgreSQL's own words), for the one line its loss is logged with. */
  private volatile String listenFailure;
  private volatile boolean listenLost;
  private volatile boolean listening;

  public ActivityChangeWatcher(Vertx vertx, PgConnectOptions connectOptions, ActivityStore store,
      ActivityIndexHolder holder, Duration pollInterval) {
    this.vertx = vertx;
    this.connectOptions = connectOptions;
    this.store = store;
    this.holder = holder;
    this.pollInterval = pollInterval;
  }

  /**
   * Starts listening and polling, and loads the index. The future completes with the first successful load, or
   * fails with the first load's error; either way the watcher keeps trying in the background until {@link #stop()}.
   */
  public Future<Void> start() {
    if (context != null) {
      // Started before (a caller retrying after a failed first load): one subscriber and one poll timer are enough.
      return reloadNow();
    }
    context = vertx.getOrCreateContext();
    Promise<Void> firstLoad = Promise.promise();
    context.runOnContext(v -> {
      subscriber = PgSubscriber.subscriber(vertx, connectOptions)
          .reconnectPolicy(attempt -> {
            long delay = Math.min(MAX_RECONNECT_DELAY_MS, 100L << Math.min(attempt, 7));
            listenLost(attempt, delay);
            return delay;
          });
      subscriber.channel(CHANNEL)
          .subscribeHandler(subscribed -> {
            routeListenConnectionErrors();
            onContext(() -> requestReload("subscribed to " + CHANNEL));
          })
          .handler(payload -> onContext(() -> {
            if (!String.valueOf(holder.version()).equals(payload)) {
              requestReload("notified of version " + payload);
            }
          }));
      // PgSubscriber retries only a connection it once had, not a first connect that failed.
      subscriber.connect().onFailure(e -> LOG.warn("Cannot LISTEN for activity changes on PostgreSQL at {}:{} ({})."
          + " Changes arrive only through the version poll, every {} s, until this gateway restarts.",
          connectOptions.getHost(), connectOptions.getPort(), Failures.describe(e), pollInterval.toSeconds()));
      pollTimer = vertx.setPeriodic(pollInterval.toMillis(), tick -> poll());
      requestReload("start").onComplete(firstLoad);
    });
    return firstLoad.future();
  }

  public Future<Void> stop() {
    Promise<Void> stopped = Promise.promise();
    onContext(() -> {
      if (pollTimer >= 0) {
        vertx.cancelTimer(pollTimer);
      }
      (subscriber == null ? Future.<Void>succeededFuture() : subscriber.close()).onComplete(stopped);
    });
    return stopped.future();
  }

  /** Reloads now (or right after the reload in progress); the future reports that reload's outcome. */
  public Future<Void> reloadNow() {
    Promise<Void> done = Promise.promise();
    onContext(() -> requestReload("requested").onComplete(done));
    return done.future();
  }

  /** For metrics: reloads that failed since start (the last good index kept serving). */
  public long reloadFailures() {
    return reloadFailures.get();
  }

  /** Whether the LISTEN connection is up and subscribed (when not, the version poll alone catches changes). */
  public boolean listening() {
    return listening;
  }

  /** For metrics: invalid activities skipped by the latest load. */
  public long skippedActivities() {
    return skippedActivities.get();
  }

  private void poll() {
    store.version().onComplete(version -> onContext(() -> {
      if (version.failed()) {
        DOWN_LOG.warn("poll", "Cannot check the activity version in PostgreSQL: {}. Serving the index at version {};"
            + " check that PostgreSQL is up and reachable.", Failures.describe(version.cause()), holder.version());
      } else if (version.result() != holder.version()) {
        requestReload("poll saw version " + version.result());
      }
    }));
  }

  /**
   * The subscriber's connection has no exception handler of its own, and the SQL client then prints errors such as
   * PostgreSQL's "terminating connection due to administrator command" to stderr, without time or logger. Keep the
   * reason instead: the reconnect policy logs the loss once, with it.
   */
  private void routeListenConnectionErrors() {
    PgConnection connection = subscriber == null ? null : subscriber.actualConnection();
    if (listenLost) {
      listenLost = false;
      DOWN_LOG.info("listen-back", "Listening on PostgreSQL for activity changes again (channel {}); reloading the"
          + " index to catch up.", CHANNEL);
    }
    if (connection != null) {
      connection.exceptionHandler(error -> {
        if (Failures.isExpected(error)) {
          listenFailure = Failures.describe(error);
          LOG.debug("LISTEN connection error: {}", listenFailure);
        } else {
          LOG.error("Unexpected error on the LISTEN connection to PostgreSQL", error);
        }
      });
    }
    listening = true;
  }

  /** Called by the subscriber for each reconnect attempt after its connection closed (attempt 0 right after). */
  private void listenLost(int attempt, long delayMillis) {
    listening = false;
    listenLost = true;
    if (attempt == 0) {
      String reason = listenFailure == null ? "the connection closed" : listenFailure;
      listenFailure = null;
      DOWN_LOG.warn("listen-lost", "Lost the LISTEN connection to PostgreSQL at {}:{} ({}). Reconnecting with"
          + " backoff; until then activity changes arrive through the version poll every {} s.",
          connectOptions.getHost(), connectOptions.getPort(), reason, pollInterval.toSeconds());
    } else {
      DOWN_LOG.warn("listen", "Still reconnecting the LISTEN connection to PostgreSQL at {}:{} (attempt {}, next in {}"
          + " ms); check that PostgreSQL is up.", connectOptions.getHost(), connectOptions.getPort(), attempt,
          delayMillis);
    }
  }

  private void onContext(Runnable action) {
    context.runOnContext(v -> action.run());
  }

  /** Single-flight: a request during a reload queues exactly one more, so the last change is never missed. */
  private Future<Void> requestReload(String reason) {
    if (running != null) {
      if (queued == null) {
        queued = Promise.promise();
      }
      return queued.future();
    }
    Promise<Void> thisRun = Promise.promise();
    running = thisRun;
    LOG.debug("Reloading activities: {}", reason);
    store.loadAll()
        .compose(snapshot -> vertx.executeBlocking(() -> build(snapshot), false))
        .onComplete(result -> onContext(() -> {
          if (result.succeeded()) {
            holder.swap(result.result());
            thisRun.complete();
          } else {
            reloadFailures.incrementAndGet();
            DOWN_LOG.warn("reload", "Reloading activities from PostgreSQL failed: {}. {} Check that PostgreSQL is up"
                + " and reachable.", Failures.describe(result.cause()), holder.isLoaded()
                    ? "Still serving the index at version " + holder.version() + "."
                    : "No index loaded yet: protected routes answer 503 until one loads.");
            thisRun.fail(result.cause());
          }
          running = null;
          if (queued != null) {
            Promise<Void> next = queued;
            queued = null;
            requestReload("changed during reload").onComplete(next);
          }
        }));
    return thisRun.future();
  }

  private ActivityIndex build(ActivitySnapshot snapshot) {
    long[] skipped = {0};
    // A reload of the version already serving (the one after each LISTEN subscription, say) changes nothing: its
    // lines would only repeat the ones logged when that version arrived.
    boolean changed = snapshot.version() != holder.version() || !holder.isLoaded();
    ActivityIndex index = ActivityIndex.buildSkippingInvalid(snapshot.activities(), snapshot.version(),
        (activity, reason) -> {
          skipped[0]++;
          LOG.atLevel(changed ? Level.WARN : Level.DEBUG).log("SKIPPING INVALID ACTIVITY {} ({} {}): {} Fix or delete"
              + " it; until then it grants nothing.", activity.id(), activity.method(), activity.urlRegex(), reason);
        });
    skippedActivities.set(skipped[0]);
    LOG.atLevel(changed ? Level.INFO : Level.DEBUG).log("Activity index version {} loaded: {} activities ({} need a"
        + " regex), {} skipped.", index.version(), index.size(), index.fallbackSize(), skipped[0]);
    return index;
  }
}
