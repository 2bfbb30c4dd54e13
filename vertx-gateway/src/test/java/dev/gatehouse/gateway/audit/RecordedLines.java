package dev.gatehouse.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** A recorder writing JSON lines into memory, and ways to wait for and read what it wrote. */
final class RecordedLines implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final DecisionRecorder recorder;

  RecordedLines(int capacity) {
    recorder = new DecisionRecorder(List.of(JsonLinesSink.to(out)), capacity, registry);
  }

  String raw() {
    return out.toString(StandardCharsets.UTF_8);
  }

  List<JsonNode> records() {
    return raw().lines().map(line -> {
      try {
        return JSON.readTree(line);
      } catch (Exception e) {
        throw new UncheckedIOException(new java.io.IOException("not one JSON object per line: " + line, e));
      }
    }).toList();
  }

  List<JsonNode> withRequestId(String requestId) {
    return records().stream().filter(r -> requestId.equals(r.path("request_id").asText(null))).toList();
  }

  /** Polls until a record matches (the writer runs on its own thread). */
  JsonNode await(Predicate<JsonNode> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode record : records()) {
        if (condition.test(record)) {
          return record;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no such decision record within 10 s; have: " + raw());
  }

  JsonNode awaitRequest(String requestId) throws InterruptedException {
    return await(r -> requestId.equals(r.path("request_id").asText(null)));
  }

  @Override
  public void close() {
    recorder.close();
  }
}
