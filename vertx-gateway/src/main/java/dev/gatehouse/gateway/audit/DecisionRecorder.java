package dev.gatehouse.gateway.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands decision records from the event loops to one writer thread. {@link #offer} never blocks and never waits:
 * the queue is a bounded lock-free multi-producer queue, and when it is full the record is dropped and counted
 * ({@code gatehouse_decision_records_total{outcome="dropped"}}). The event loops never wake the writer (that would
 * cost a system call per record); it polls, sleeping {@link #IDLE_PAUSE} when the queue is empty.
 */
public final class DecisionRecorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DecisionRecorder.class);
  static final Duration IDLE_PAUSE = Duration.ofMillis(20);
  private static final int BATCH = 512;
  private static final long HOUSEKEEPING_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final MpscArrayQueue<DecisionRecord> queue;
  private final List<DecisionSink> sinks;
  private final Counter written;
  private final Counter dropped;
  private final Counter failed;
  private final Thread writer;
  private volatile boolean running = true;

  public DecisionRecorder(List<DecisionSink> sinks, int capacity, MeterRegistry registry) {
    this.queue = new MpscArrayQueue<>(capacity);
    this.sinks = List.copyOf(sinks);
    this.written = counter(registry, "written", "records handed to every sink");
    this.dropped = counter(registry, "dropped", "records dropped because the writer fell behind (queue full)");
    this.failed = counter(registry, "failed", "records a sink failed to write");
    Gauge.builder("gatehouse_decision_records_queued", queue, MpscArrayQueue::size)
        .description("Decision records waiting for the writer thread").register(registry);
    this.writer = new Thread(this::drainLoop, "gatehouse-decision-writer");
    writer.setDaemon(true);
    writer.start();
  }

  private static Counter counter(MeterRegistry registry, String outcome, String description) {
    return Counter.builder("gatehouse_decision_records").tag("outcome", outcome)
        .description("Decision records by what became of them: " + description).register(registry);
  }

  /** From any thread; never blocks. False when the record was dropped (queue full or recorder closed). */
  public boolean offer(DecisionRecord record) {
    if (running && queue.offer(record)) {
      return true;
    }
    dropped.increment();
    return false;
  }

  private void drainLoop() {
    List<DecisionRecord> batch = new ArrayList<>(BATCH);
    long lastHousekeeping = System.nanoTime();
    while (running || !queue.isEmpty()) {
      queue.drain(batch::add, BATCH);
      if (batch.isEmpty()) {
        if (running) {
          LockSupport.parkNanos(IDLE_PAUSE.toNanos());
        }
      } else {
        writeToSinks(batch);
        batch.clear();
      }
      if (System.nanoTime() - lastHousekeeping > HOUSEKEEPING_NANOS) {
        lastHousekeeping = System.nanoTime();
        for (DecisionSink sink : sinks) {
          try {
            sink.housekeeping();
          } catch (Exception e) {
            LOG.warn("Decision record housekeeping failed in {}: {}", sink.getClass().getSimpleName(), e.toString());
          }
        }
      }
    }
  }

  private void writeToSinks(List<DecisionRecord> batch) {
    boolean allWrote = true;
    for (DecisionSink sink : sinks) {
      try {
        sink.write(batch);
      } catch (Exception e) {
        allWrote = false;
        failed.increment(batch.size());
        LOG.warn("Could not write {} decision record(s) to {}: {}; they are lost for that sink.", batch.size(),
            sink.getClass().getSimpleName(), e.toString());
      }
    }
    if (allWrote) {
      written.increment(batch.size());
    }
  }

  /** Stops taking records, writes what is queued (waiting up to {@code timeout}), closes the sinks. */
  public void close(Duration timeout) {
    running = false;
    LockSupport.unpark(writer);
    try {
      writer.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (DecisionSink sink : sinks) {
      try {
        sink.close();
      } catch (Exception e) {
        LOG.warn("Closing the decision sink {} failed: {}", sink.getClass().getSimpleName(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
