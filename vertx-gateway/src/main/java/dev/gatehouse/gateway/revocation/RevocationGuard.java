package dev.gatehouse.gateway.revocation;

import dev.gatehouse.gateway.token.VerifiedToken;
import java.time.Clock;
import java.time.Duration;

/**
 * What the request path asks about revocation: may protected routes be served at all (list loaded, fresh enough),
 * and is this token revoked. Written by {@link RevocationWatcher} only; read lock-free by every event loop.
 *
 * <p>Staleness: zero while the LISTEN connection is up and the last read after it (re)subscribed, and every read
 * since, succeeded; otherwise the time since the last successful read started (the newest moment the list is known
 * to reflect). Infinite until the first load.
 */
public final class RevocationGuard {
  private final RevocationOptions options;
  private final Clock clock;
  private volatile RevocationState state = RevocationState.EMPTY;
  private volatile boolean loaded;
  private volatile boolean live;
  private volatile long freshAsOfMillis;
  private final LiveConnections connections;

  public RevocationGuard(RevocationOptions options, Clock clock) {
    this.options = options;
    this.clock = clock;
    this.connections = new LiveConnections(this::check, clock);
  }

  /** A guard with nothing revoked and always fresh: for gateways and tests without the revocation feed. */
  public static RevocationGuard alwaysFresh() {
    RevocationGuard guard = new RevocationGuard(RevocationOptions.defaults(), Clock.systemUTC());
    guard.loaded = true;
    guard.live = true;
    return guard;
  }

  /** Why protected routes must answer 503 now, or null when they may be served. */
  public String unavailableReason() {
    if (!loaded) {
      return "The gateway has not loaded its revocation list yet; try again shortly.";
    }
    if (live || options.whenStale() == RevocationOptions.WhenStale.SERVE) {
      return null;
    }
    long stale = clock.millis() - freshAsOfMillis;
    return stale <= options.maxStaleness().toMillis() ? null
        : "The gateway cannot confirm that tokens are still valid (its revocation list is " + stale / 1000
            + " s old); try again shortly.";
  }

  /** Why {@code token} is revoked, or null. */
  public Revoked check(VerifiedToken token) {
    return state.check(token);
  }

  public RevocationState state() {
    return state;
  }

  /** The WebSockets and streaming responses bound to their tokens: closed at expiry and by each new snapshot. */
  public LiveConnections connections() {
    return connections;
  }

  public boolean loaded() {
    return loaded;
  }

  /** How stale the list may be; {@link Duration#ZERO} while live, null before the first load. */
  public Duration staleness() {
    if (!loaded) {
      return null;
    }
    return live ? Duration.ZERO : Duration.ofMillis(Math.max(0, clock.millis() - freshAsOfMillis));
  }

  /** Whether the staleness is past {@code maxStaleness} (also true before the first load). */
  public boolean tooStale() {
    Duration staleness = staleness();
    return staleness == null || staleness.compareTo(options.maxStaleness()) > 0;
  }

  RevocationOptions options() {
    return options;
  }

  public Duration maxStaleness() {
    return options.maxStaleness();
  }

  /** "refuse" or "serve", as configured. */
  public String whenStale() {
    return options.whenStale().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** A read that started at {@code readStartMillis} succeeded; {@code live}: the LISTEN connection covers since. */
  void loaded(RevocationState next, long readStartMillis, boolean live) {
    RevocationState before = state;
    state = next;
    if (next != before) {
      connections.closeRefused(next);
    }
    freshAsOfMillis = Math.max(freshAsOfMillis, readStartMillis);
    this.live = live;
    loaded = true;
  }

  /**
   * The list may miss changes from {@code nowMillis} on (LISTEN lost, or a read failed). Until then it was live, so
   * it was fresh as of now.
   */
  void notLive(long nowMillis) {
    if (live) {
      freshAsOfMillis = Math.max(freshAsOfMillis, nowMillis);
      live = false;
    }
  }

}
