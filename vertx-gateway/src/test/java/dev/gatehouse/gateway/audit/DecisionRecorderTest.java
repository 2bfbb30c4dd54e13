package dev.gatehouse.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DecisionRecorderTest {
  static DecisionRecord record(int i) {
    return new DecisionRecord(Instant.EPOCH, "r" + i, null, "denied", 403, "no_activity", "s", "u", "c", "bearer",
        null, "GET", "/x", null, null, null, null, null);
  }

  @Test
  void aStuckSinkMakesRecordsDropAndCountNeverWait() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch writing = new CountDownLatch(1);
    DecisionSink stuck = batch -> {
      writing.countDown();
      release.await();
    };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DecisionRecorder recorder = new DecisionRecorder(List.of(stuck), 1024, registry);
    try {
      recorder.offer(record(0));
      assertThat(writing.await(10, TimeUnit.SECONDS)).as("the writer took the first batch").isTrue();
      // A liveness guard, not a speed check: an offer that waited for the stuck writer would never return.
      int accepted = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
        int taken = 0;
        for (int i = 1; i <= 5_000; i++) {
          taken += recorder.offer(record(i)) ? 1 : 0;
        }
        return taken;
      });
      assertThat(accepted).as("the queue holds its capacity, no more").isEqualTo(1024);
      assertThat(registry.get("gatehouse_decision_records").tag("outcome", "dropped").counter().count())
          .isEqualTo(5_000 - 1024);
      assertThat(registry.get("gatehouse_decision_records_queued").gauge().value()).isEqualTo(1024);
    } finally {
      release.countDown();
      recorder.close(Duration.ofSeconds(10));
    }
    assertThat(registry.get("gatehouse_decision_records").tag("outcome", "written").counter().count())
        .as("after the sink recovers, what was queued is written").isEqualTo(1 + 1024);
  }

  @Test
  void aFailingSinkCountsFailuresAndTheWriterGoesOn() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    java.io.ByteArrayOutputStream good = new java.io.ByteArrayOutputStream();
    DecisionSink broken = batch -> {
      throw new java.io.IOException("disk full");
    };
    DecisionRecorder recorder = new DecisionRecorder(List.of(broken, JsonLinesSink.to(good)), 64, registry);
    recorder.offer(record(1));
    recorder.offer(record(2));
    recorder.close(Duration.ofSeconds(10));
    assertThat(registry.get("gatehouse_decision_records").tag("outcome", "failed").counter().count()).isEqualTo(2);
    assertThat(good.toString().lines()).hasSize(2);
  }
}
