package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.revocation.LiveConnections;
import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.revocation.Revoked;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Vertx;

/**
 * The exchanges one event loop is forwarding, in a linked list that costs nothing per request but two links. A
 * sweep every {@value #SWEEP_MILLIS} ms cuts those whose upstream has been silent for the route's timeout, and those
 * still streaming when the token that authorised them expires or is revoked. One periodic timer per event loop
 * replaces a timer per request (arming and cancelling one cost more than the rest of the forwarding).
 */
final class InFlight {
  /** The resolution of route timeouts, token expiry and revocation for plain HTTP exchanges. */
  static final long SWEEP_MILLIS = 50;

  private final RevocationGuard revocations;
  private Forwarding head;
  private int size;
  private long timerId = -1;

  InFlight(RevocationGuard revocations) {
    this.revocations = revocations;
  }

  /** Starts sweeping; call on the owning event loop. */
  void start(Vertx vertx) {
    timerId = vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
  }

  void stop(Vertx vertx) {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  void add(Forwarding forwarding) {
    forwarding.next = head;
    if (head != null) {
      head.previous = forwarding;
    }
    head = forwarding;
    size++;
  }

  void remove(Forwarding forwarding) {
    if (forwarding.previous != null) {
      forwarding.previous.next = forwarding.next;
    } else if (head == forwarding) {
      head = forwarding.next;
    } else {
      return; // not in the list
    }
    if (forwarding.next != null) {
      forwarding.next.previous = forwarding.previous;
    }
    forwarding.previous = null;
    forwarding.next = null;
    size--;
  }

  int size() {
    return size;
  }

  void sweep() {
    long now = System.nanoTime();
    long nowMillis = System.currentTimeMillis();
    Forwarding current = head;
    while (current != null) {
      // Cutting removes the exchange from the list: read the next one first.
      Forwarding following = current.next;
      if (now - current.lastActivityNanos >= current.upstream.timeoutNanos()) {
        current.cutSilent();
      } else if (current.streaming()) {
        VerifiedToken token = current.token();
        if (token != null) {
          if (token.expiresAtEpochSecond() * 1000 <= nowMillis) {
            current.cutRevoked(LiveConnections.EXPIRED);
          } else {
            Revoked revoked = revocations.check(token);
            if (revoked != null) {
              current.cutRevoked(revoked.description());
            }
          }
        }
      }
      current = following;
    }
  }
}
