package dev.gatehouse.gateway.apitoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.gateway.token.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MissRateLimiterTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private static int acquired(MissRateLimiter limiter, int attempts) {
    int granted = 0;
    for (int i = 0; i < attempts; i++) {
      if (limiter.tryAcquire()) {
        granted++;
      }
    }
    return granted;
  }

  @Test
  void grantsTheBurstAtOnceThenNothingUntilTimePasses() {
    MissRateLimiter limiter = new MissRateLimiter(5, 20, clock);

    assertThat(acquired(limiter, 1_000)).isEqualTo(20);
    assertThat(limiter.tryAcquire()).isFalse();
  }

  @Test
  void refillsAtTheConfiguredRate() {
    MissRateLimiter limiter = new MissRateLimiter(5, 20, clock);
    acquired(limiter, 20);

    clock.advance(Duration.ofMillis(1_000));
    assertThat(acquired(limiter, 100)).isEqualTo(5);

    clock.advance(Duration.ofMillis(199));
    assertThat(limiter.tryAcquire()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(limiter.tryAcquire()).isTrue();
  }

  @Test
  void anIdleBucketHoldsNoMoreThanTheBurst() {
    MissRateLimiter limiter = new MissRateLimiter(5, 20, clock);
    clock.advance(Duration.ofHours(1));

    assertThat(acquired(limiter, 1_000)).isEqualTo(20);
  }

  @Test
  void sharedByManyThreadsItStillGrantsExactlyTheBurst() throws Exception {
    MissRateLimiter limiter = new MissRateLimiter(1, 50, clock);
    java.util.concurrent.atomic.AtomicInteger granted = new java.util.concurrent.atomic.AtomicInteger();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> granted.addAndGet(acquired(limiter, 10_000)));
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(granted).hasValue(50);
  }

  @Test
  void refusesNonsenseSettings() {
    assertThatThrownBy(() -> new MissRateLimiter(0, 20, clock)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MissRateLimiter(5, 0, clock)).isInstanceOf(IllegalArgumentException.class);
  }
}
