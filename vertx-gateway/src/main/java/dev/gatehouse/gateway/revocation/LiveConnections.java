package dev.gatehouse.gateway.revocation;

import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The proxied exchanges that outlive the request they were authorised with: tunnelled WebSockets and responses still
 * streaming. Each is bound to the token that authorised it and is closed when that token expires (a timer at its
 * {@code exp}) or is refused by a new revocation snapshot ({@link #closeRefused}), so a long-lived connection is no
 * way around revocation. Shared by every event loop of one gateway; each connection is closed on its own context.
 */
public final class LiveConnections {
  /** The reason given when the token reached its {@code exp}. */
  public static final String EXPIRED = "token expired, reconnect with a new token";

  /** Closes one connection, on that connection's context, telling the client {@code reason} where it can. */
  @FunctionalInterface
  public interface Closer {
    void close(String reason);
  }

  private final Function<VerifiedToken, Revoked> check;
  private final Clock clock;
  private final Map<Registration, Boolean> open = new ConcurrentHashMap<>();

  LiveConnections(Function<VerifiedToken, Revoked> check, Clock clock) {
    this.check = check;
    this.clock = clock;
  }

  /**
   * Binds a connection to {@code token}; call on the connection's event loop. A token refused or expired already
   * (revoked between the access check and now) closes it at once.
   */
  public Registration register(VerifiedToken token, Closer closer) {
    Context context = Vertx.currentContext();
    if (context == null) {
      throw new IllegalStateException("register a live connection on its event loop");
    }
    Registration registration = new Registration(token, closer, context);
    open.put(registration, Boolean.TRUE);
    long delay = token.expiresAtEpochSecond() * 1000 - clock.millis();
    Revoked revoked = check.apply(token);
    if (revoked != null) {
      registration.close(revoked.description());
    } else if (delay <= 0) {
      registration.close(EXPIRED);
    } else {
      registration.expiryTimer = context.owner().setTimer(delay, id -> registration.close(EXPIRED));
    }
    return registration;
  }

  /** Closes every open connection whose token {@code state} refuses. Called with each new revocation snapshot. */
  public void closeRefused(RevocationState state) {
    for (Registration registration : open.keySet()) {
      Revoked revoked = state.check(registration.token);
      if (revoked != null) {
        registration.context.runOnContext(v -> registration.close(revoked.description()));
      }
    }
  }

  /** Connections open now. */
  public int size() {
    return open.size();
  }

  /** One bound connection; {@link #unregister()} it when it ends by itself. */
  public final class Registration {
    private final VerifiedToken token;
    private final Closer closer;
    private final Context context;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile long expiryTimer = -1;

    private Registration(VerifiedToken token, Closer closer, Context context) {
      this.token = token;
      this.closer = closer;
      this.context = context;
    }

    /** The connection ended: forget it (idempotent). */
    public void unregister() {
      if (done.compareAndSet(false, true)) {
        finish();
      }
    }

    private void close(String reason) {
      if (done.compareAndSet(false, true)) {
        finish();
        closer.close(reason);
      }
    }

    private void finish() {
      open.remove(this);
      if (expiryTimer != -1) {
        context.owner().cancelTimer(expiryTimer);
      }
    }
  }
}
