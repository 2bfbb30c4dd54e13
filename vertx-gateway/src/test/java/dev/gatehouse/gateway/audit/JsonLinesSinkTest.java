package dev.gatehouse.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesSinkTest {
  /** Counts the writes and flushes that reach the stream under the sink (a system call each on stdout or a file). */
  private static final class CountingStream extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int writes;
    int flushes;

    @Override
    public void write(int b) {
      writes++;
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes++;
      bytes.write(b, off, len);
    }

    @Override
    public void flush() {
      flushes++;
    }
  }

  @Test
  void aBatchReachesTheStreamInOneWriteAsWholeLines() throws Exception {
    CountingStream stream = new CountingStream();
    JsonLinesSink sink = JsonLinesSink.to(stream);
    List<DecisionRecord> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(DecisionRecorderTest.record(i));
    }

    sink.write(batch);

    assertThat(stream.writes).as("one write for the whole batch, not one per record").isEqualTo(1);
    assertThat(stream.flushes).isEqualTo(1);
    List<String> lines = stream.bytes.toString().lines().toList();
    assertThat(lines).hasSize(50);
    ObjectMapper mapper = new ObjectMapper();
    for (int i = 0; i < 50; i++) {
      JsonNode line = mapper.readTree(lines.get(i));
      assertThat(line.path("event").asText()).isEqualTo(DecisionJson.EVENT);
      assertThat(line.path("request_id").asText()).isEqualTo("r" + i);
    }
    assertThat(stream.bytes.toString()).as("every line ends, none is left half written").endsWith("}\n");
  }

  @Test
  void nothingReachesTheStreamBetweenBatchesAndTheNextBatchAppends() throws Exception {
    CountingStream stream = new CountingStream();
    JsonLinesSink sink = JsonLinesSink.to(stream);
    sink.write(List.of(DecisionRecorderTest.record(1)));
    sink.write(List.of(DecisionRecorderTest.record(2), DecisionRecorderTest.record(3)));

    assertThat(stream.writes).isEqualTo(2);
    assertThat(stream.bytes.toString().lines().toList()).hasSize(3).allMatch(line -> line.startsWith("{\"event\""));
  }
}
