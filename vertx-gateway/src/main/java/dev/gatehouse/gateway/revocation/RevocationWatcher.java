package dev.gatehouse.gateway.revocation;

import dev.gatehouse.gateway.listen.ChannelListener;
import dev.gatehouse.gateway.logging.Failures;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link RevocationGuard} in step with the {@code revocations} table: a full load at start (protected routes
 * answer 503 until it succeeds), then on each {@code NOTIFY gatehouse_revocations} and each (re)subscription the rows
 * after the last one seen; a periodic poll as the safety net, a full reload every {@value #FULL_RELOAD_EVERY} polls,
 * and a periodic purge of expired rows. Reads are single-flight on one context. Listeners registered with
 * {@link #onChange} hear of every new snapshot (to drop cached API-token resolutions, close WebSockets).
 */
public final class RevocationWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(RevocationWatcher.class);
  private static final RateLimitedLog DOWN_LOG = RateLimitedLog.of(LOG);
  static final int FULL_RELOAD_EVERY = 12;
  private static final long STALENESS_CHECK_MS = 1_000;

  private enum Read { INCREMENTAL, FULL }

  private final Vertx vertx;
  private final RevocationStore store;
  private final RevocationGuard guard;
  private final Clock clock;
  private final ChannelListener listener;
  private final List<Consumer<RevocationState>> changeListeners = new CopyOnWriteArrayList<>();

  private Context context;
  private long pollTimer = -1;
  private long purgeTimer = -1;
  private long stalenessTimer = -1;
  private int polls;
  /** Incremented on each (re)subscription: a read counts as live only if no subscription happened during it. */
  private int listenEpoch;
  private boolean reportedStale;
  private Promise<Void> running;
  private Promise<Void> queued;
  private Read queuedRead;

  public RevocationWatcher(Vertx vertx, PgConnectOptions connectOptions, RevocationStore store,
      RevocationGuard guard, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.guard = guard;
    this.clock = clock;
    this.listener = new ChannelListener(vertx, connectOptions, RevocationStore.CHANNEL, "revocations",
        "the revocation poll every " + guard.options().pollInterval().toSeconds() + " s", LOG)
        .onLost(() -> guard.notLive(clock.millis()));
  }

  /** Called on the watcher's context with each new snapshot. */
  public void onChange(Consumer<RevocationState> listener) {
    changeListeners.add(listener);
  }

  /** Starts following the table; the future completes with the first successful full load (retried until then). */
  public Future<Void> start() {
    if (context != null) {
      return read(Read.FULL);
    }
    context = vertx.getOrCreateContext();
    Promise<Void> firstLoad = Promise.promise();
    context.runOnContext(v -> {
      listener.start(() -> {
        listenEpoch++;
        requestRead(Read.INCREMENTAL);
      }, payload -> requestRead(Read.INCREMENTAL));
      RevocationOptions options = guard.options();
      pollTimer = vertx.setPeriodic(options.pollInterval().toMillis(), tick -> poll());
      purgeTimer = vertx.setPeriodic(options.purgeInterval().toMillis(), tick -> purge());
      stalenessTimer = vertx.setPeriodic(STALENESS_CHECK_MS, tick -> reportStaleness());
      requestRead(Read.FULL).onComplete(firstLoad);
    });
    return firstLoad.future();
  }

  public Future<Void> stop() {
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(v -> {
      vertx.cancelTimer(pollTimer);
      vertx.cancelTimer(purgeTimer);
      vertx.cancelTimer(stalenessTimer);
      listener.close().onComplete(stopped);
    });
    return stopped.future();
  }

  /** Reads the rows after the last one seen now (or right after the read in progress). */
  public Future<Void> read(boolean full) {
    return read(full ? Read.FULL : Read.INCREMENTAL);
  }

  private Future<Void> read(Read kind) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> requestRead(kind).onComplete(done));
    return done.future();
  }

  /** Whether the LISTEN connection is up. */
  public boolean listening() {
    return listener.listening();
  }

  private void poll() {
    polls++;
    if (polls % FULL_RELOAD_EVERY == 0 || !guard.loaded()) {
      requestRead(Read.FULL);
    } else {
      requestRead(Read.INCREMENTAL);
    }
  }

  private void purge() {
    store.purgeExpired(clock.millis()).onComplete(result -> {
      if (result.failed()) {
        DOWN_LOG.warn("purge", "Cannot purge expired revocations in PostgreSQL: {}", Failures.describe(result.cause()));
      } else if (result.result() > 0) {
        LOG.debug("Purged {} expired revocation rows", result.result());
      }
    });
  }

  /** Single-flight: a request during a read queues exactly one more (a full one if any asked for it). */
  private Future<Void> requestRead(Read kind) {
    if (running != null) {
      if (queued == null) {
        queued = Promise.promise();
        queuedRead = kind;
      } else if (kind == Read.FULL) {
        queuedRead = Read.FULL;
      }
      return queued.future();
    }
    Promise<Void> thisRun = Promise.promise();
    running = thisRun;
    long startedAt = clock.millis();
    int epochAtStart = listenEpoch;
    boolean listeningAtStart = listener.listening();
    boolean full = kind == Read.FULL || !guard.loaded();
    Future<List<Revocation>> rows = full ? store.loadAll(startedAt)
        : store.loadSince(guard.state().lastId(), startedAt);
    rows.compose(found -> vertx.executeBlocking(() -> full
            ? RevocationState.EMPTY.with(found, startedAt)
            : guard.state().with(found, startedAt).withoutExpired(startedAt), false))
        .onComplete(result -> context.runOnContext(v -> {
          if (result.succeeded()) {
            boolean first = !guard.loaded();
            RevocationState before = guard.state();
            boolean live = listeningAtStart && listener.listening() && epochAtStart == listenEpoch;
            guard.loaded(result.result(), startedAt, live);
            if (first) {
              LOG.info("Revocation list loaded: {} keys revoked; following {} (poll every {} s).",
                  result.result().size(), RevocationStore.CHANNEL, guard.options().pollInterval().toSeconds());
            }
            if (result.result() != before) {
              changed(result.result());
            }
            thisRun.complete();
          } else {
            guard.notLive(clock.millis());
            DOWN_LOG.warn("read", "Reading revocations from PostgreSQL failed: {}. {} Check that PostgreSQL is up and"
                + " reachable.", Failures.describe(result.cause()), guard.loaded()
                    ? "The list may be missing recent revocations (see /health/ready)."
                    : "No revocation list loaded yet: protected routes answer 503 until one loads.");
            thisRun.fail(result.cause());
          }
          running = null;
          if (queued != null) {
            Promise<Void> next = queued;
            Read nextKind = queuedRead;
            queued = null;
            requestRead(nextKind).onComplete(next);
          }
        }));
    return thisRun.future();
  }

  private void changed(RevocationState state) {
    for (Consumer<RevocationState> changeListener : changeListeners) {
      try {
        changeListener.accept(state);
      } catch (RuntimeException e) {
        LOG.error("A revocation change listener failed", e);
      }
    }
  }

  /** One line when the list becomes too stale and one when it is fresh again. */
  private void reportStaleness() {
    boolean stale = guard.loaded() && guard.tooStale();
    if (stale == reportedStale) {
      return;
    }
    reportedStale = stale;
    if (stale) {
      LOG.warn("The revocation list is {} s stale (more than revocation.maxStalenessSeconds = {}): {}.",
          guard.staleness().toSeconds(), guard.options().maxStaleness().toSeconds(),
          guard.options().whenStale() == RevocationOptions.WhenStale.REFUSE
              ? "protected routes answer 503 until it is fresh again (revocation.whenStale=refuse)"
              : "still serving, so a token revoked meanwhile may be accepted (revocation.whenStale=serve)");
    } else {
      LOG.info("The revocation list is fresh again.");
    }
  }
}
