package dev.gatehouse.gateway.listen;

import dev.gatehouse.gateway.logging.Failures;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;

/**
 * One PostgreSQL LISTEN connection on one channel, kept up: reconnects with backoff after a loss (PgSubscriber does,
 * once given a policy) and also retries a FIRST connect that failed (PgSubscriber does not). The owner is told on
 * every (re)subscription, since notifications sent while disconnected are lost and it must catch up, and on each
 * notification. Losses and recoveries are logged once each, through the owner's logger. Used by the activity and
 * the revocation watchers.
 */
public final class ChannelListener {
  private static final long MAX_RECONNECT_DELAY_MS = 10_000;

  private final Vertx vertx;
  private final PgConnectOptions connectOptions;
  private final String channel;
  private final String what;
  private final String fallback;
  private final Logger log;
  private final RateLimitedLog downLog;

  private Context context;
  private Runnable onLost = () -> { };
  private PgSubscriber subscriber;
  private long retryTimer = -1;
  private boolean closed;
  /** Why the LISTEN connection last failed (PostgreSQL's own words), for the one line its loss is logged with. */
  private volatile String listenFailure;
  private volatile boolean listenLost;
  private volatile boolean listening;

  /**
   * @param what     what the channel carries, for log lines ("activity changes")
   * @param fallback how changes still arrive while it is down, for log lines ("the version poll every 5 s")
   */
  public ChannelListener(Vertx vertx, PgConnectOptions connectOptions, String channel, String what, String fallback,
      Logger log) {
    this.vertx = vertx;
    // "gatehouse-gateway listen <channel>" in pg_stat_activity: an operator (or a test) can find this connection.
    this.connectOptions = new PgConnectOptions(connectOptions).addProperty("application_name",
        applicationName(connectOptions) + " listen " + channel);
    this.channel = channel;
    this.what = what;
    this.fallback = fallback;
    this.log = log;
    this.downLog = RateLimitedLog.of(log);
  }

  /**
   * Connects on the caller's context. {@code onSubscribed} runs on every (re)subscription, {@code onNotification}
   * with each payload; both on that context.
   */
  public void start(Runnable onSubscribed, Handler<String> onNotification) {
    context = vertx.getOrCreateContext();
    subscriber = PgSubscriber.subscriber(vertx, connectOptions)
        .reconnectPolicy(attempt -> {
          long delay = backoff(attempt);
          listenLost(attempt, delay);
          return delay;
        });
    subscriber.channel(channel)
        .subscribeHandler(subscribed -> {
          routeListenConnectionErrors();
          context.runOnContext(v -> onSubscribed.run());
        })
        .handler(payload -> context.runOnContext(v -> onNotification.handle(payload)));
    connect(0);
  }

  /** PgSubscriber retries only a connection it once had, not a first connect that failed: retry that here. */
  private void connect(int attempt) {
    subscriber.connect().onFailure(e -> context.runOnContext(v -> {
      if (closed) {
        return;
      }
      long delay = backoff(attempt);
      downLog.warn("first-connect", "Cannot LISTEN for {} on PostgreSQL at {}:{} ({}). Retrying in {} ms; until then"
          + " {} arrive through {}.", what, connectOptions.getHost(), connectOptions.getPort(), Failures.describe(e),
          delay, what, fallback);
      retryTimer = vertx.setTimer(delay, t -> connect(attempt + 1));
    }));
  }

  public Future<Void> close() {
    closed = true;
    listening = false;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  /** Runs (on any thread) when an established LISTEN connection is lost: notifications may be missed from then. */
  public ChannelListener onLost(Runnable action) {
    this.onLost = action;
    return this;
  }

  /** Whether the LISTEN connection is up and subscribed. */
  public boolean listening() {
    return listening;
  }

  /** The owner's application name, or the gateway's if it set none (the client's default is "vertx-pg-client"). */
  private static String applicationName(PgConnectOptions options) {
    String name = options.getProperties().get("application_name");
    return name == null || name.equals("vertx-pg-client") ? "gatehouse-gateway" : name;
  }

  private static long backoff(int attempt) {
    return Math.min(MAX_RECONNECT_DELAY_MS, 100L << Math.min(attempt, 7));
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
      downLog.info("listen-back", "Listening on PostgreSQL for {} again (channel {}); reloading to catch up.", what,
          channel);
    }
    if (connection != null) {
      connection.exceptionHandler(error -> {
        if (Failures.isExpected(error)) {
          listenFailure = Failures.describe(error);
          log.debug("LISTEN connection error: {}", listenFailure);
        } else {
          log.error("Unexpected error on the LISTEN connection to PostgreSQL", error);
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
      onLost.run();
      String reason = listenFailure == null ? "the connection closed" : listenFailure;
      listenFailure = null;
      downLog.warn("listen-lost", "Lost the LISTEN connection to PostgreSQL at {}:{} ({}). Reconnecting with"
          + " backoff; until then {} arrive through {}.", connectOptions.getHost(), connectOptions.getPort(), reason,
          what, fallback);
    } else {
      downLog.warn("listen", "Still reconnecting the LISTEN connection to PostgreSQL at {}:{} (attempt {}, next in {}"
          + " ms); check that PostgreSQL is up.", connectOptions.getHost(), connectOptions.getPort(), attempt,
          delayMillis);
    }
  }
}
