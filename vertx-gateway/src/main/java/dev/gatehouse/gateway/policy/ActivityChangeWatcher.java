package dev.gatehouse.gateway.policy;

import dev.gatehouse.gateway.listen.ChannelListener;
import dev.gatehouse.gateway.logging.Failures;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Keeps an {@link ActivityIndexHolder} in step with PostgreSQL. A LISTEN on {@code gatehouse_activities} triggers a
 * full reload; so does every (re)subscription, because notifications sent while disconnected are lost (the
 * connection itself is kept up by {@link ChannelListener}). A periodic
 * version check is the safety net. Reloads are single-flight, the index is built off the event loop, and a failed
 * load keeps the last good index serving.
 */
public final class ActivityChangeWatcher {
  public static final String CHANNEL = "gatehouse_activities";
  private static final Logger LOG = LoggerFactory.getLogger(ActivityChangeWatcher.class);
  /** PostgreSQL down or flapping makes every poll, reload and reconnect fail: one line per interval each. */
  private static final RateLimitedLog DOWN_LOG = RateLimitedLog.of(LOG);

  private final Vertx vertx;
  private final PgConnectOptions connectOptions;
  private final ActivityStore store;
  private final ActivityIndexHolder holder;
  private final Duration pollInterval;
  private final AtomicLong reloadFailures = new AtomicLong();
  private final AtomicLong skippedActivities = new AtomicLong();

  private Context context;
  private final ChannelListener listener;
  private long pollTimer = -1;
  /** The reload in progress and the one queued behind it; touched only on {@link #context}. */
  private Promise<Void> running;
  private Promise<Void> queued;
  /** Told of each loaded snapshot just before its index is swapped in (the route table's stored services). */
  private Consumer<ActivitySnapshot> onLoaded = snapshot -> { };

  public ActivityChangeWatcher(Vertx vertx, PgConnectOptions connectOptions, ActivityStore store,
      ActivityIndexHolder holder, Duration pollInterval) {
    this.vertx = vertx;
    this.connectOptions = connectOptions;
    this.store = store;
    this.holder = holder;
    this.pollInterval = pollInterval;
    this.listener = new ChannelListener(vertx, connectOptions, CHANNEL, "activity changes",
        "the version poll every " + pollInterval.toSeconds() + " s", LOG);
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
      listener.start(() -> requestReload("subscribed to " + CHANNEL), payload -> {
        if (!String.valueOf(holder.version()).equals(payload)) {
          requestReload("notified of version " + payload);
        }
      });
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
      listener.close().onComplete(stopped);
    });
    return stopped.future();
  }

  /** Call before {@link #start()}: {@code listener} runs on each successful load, right before the index swap. */
  public ActivityChangeWatcher onLoaded(Consumer<ActivitySnapshot> listener) {
    this.onLoaded = listener;
    return this;
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
    return listener.listening();
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
    ActivitySnapshot[] loaded = new ActivitySnapshot[1];
    store.loadAll()
        .compose(snapshot -> {
          loaded[0] = snapshot;
          return vertx.executeBlocking(() -> build(snapshot), false);
        })
        .onComplete(result -> onContext(() -> {
          if (result.succeeded()) {
            onLoaded.accept(loaded[0]);
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
