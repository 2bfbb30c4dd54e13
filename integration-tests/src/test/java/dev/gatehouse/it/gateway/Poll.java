package dev.gatehouse.it.gateway;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a bounded deadline (a short pause between attempts), never for a fixed time. */
final class Poll {
  private static final long PAUSE_MILLIS = 10;

  private Poll() {}

  /** Returns how long it took until {@code condition} held; throws naming {@code what} after {@code deadline}. */
  static Duration until(Duration deadline, String what, BooleanSupplier condition) {
    long start = System.nanoTime();
    long end = start + deadline.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Not within " + deadline.toMillis() + " ms: " + what);
      }
      try {
        Thread.sleep(PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for: " + what, e);
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
