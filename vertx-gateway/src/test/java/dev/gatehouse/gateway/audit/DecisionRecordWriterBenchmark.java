package dev.gatehouse.gateway.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What the writer thread spends per decision record: a batch of typical allowed requests (a service account's JWT,
 * proxied, times a few microseconds apart) written as JSON lines to a stream that discards them, so the cost is the
 * JSON and not the disk. See docs/benchmarks.md for the command.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecisionRecordWriterBenchmark {
  private static final int BATCH = 512;
  private final List<DecisionRecord> batch = typicalAllows();
  private final JsonLinesSink sink = JsonLinesSink.to(OutputStream.nullOutputStream());

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void writeBatch() throws IOException {
    sink.write(batch);
  }

  private static List<DecisionRecord> typicalAllows() {
    List<DecisionRecord> records = new ArrayList<>(BATCH);
    Instant start = Instant.parse("2026-12-03T18:06:18.123456789Z");
    for (int i = 0; i < BATCH; i++) {
      records.add(new DecisionRecord(start.plusNanos(i * 37_123L), null, "4bf92f3577b34da6a3ce929d0e0e4736",
          "allowed", 200, "activity", "5f1c3a52-8e1b-4f59-9d3f-2a7b1c9e0d41", "service-account-reporting-service",
          "reporting-service", "service_account", null, "GET", "/api/v1/users", 12L, "users:read", null, 200,
          0.2 + (i % 50) * 0.0137));
    }
    return records;
  }
}
