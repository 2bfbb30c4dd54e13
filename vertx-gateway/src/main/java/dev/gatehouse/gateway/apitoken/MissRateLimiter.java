package dev.gatehouse.gateway.apitoken;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket for API tokens the gateway has never seen resolve: {@code perSecond} sustained, {@code burst} at
 * once. Written as the generic cell rate algorithm, so its whole state is one {@code long} (the theoretical arrival
 * time, in microseconds) updated with compare-and-set: no lock, no allocation, shared by every event loop.
 */
final class MissRateLimiter {
  private final Clock clock;
  private final long intervalMicros;
  private final long toleranceMicros;
  private final AtomicLong theoreticalArrival = new AtomicLong(Long.MIN_VALUE);

  MissRateLimiter(double perSecond, int burst, Clock clock) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("A miss rate limiter needs perSecond > 0 and burst >= 1");
    }
    this.clock = clock;
    this.intervalMicros = Math.max(1, Math.round(1_000_000 / perSecond));
    this.toleranceMicros = intervalMicros * (burst - 1);
  }

  /** Takes one permit if one is free now; never waits. */
  boolean tryAcquire() {
    long now = clock.millis() * 1_000;
    while (true) {
      long current = theoreticalArrival.get();
      long start = Math.max(current, now);
      if (start - now > toleranceMicros) {
        return false;
      }
      if (theoreticalArrival.compareAndSet(current, start + intervalMicros)) {
        return true;
      }
    }
  }
}
