package dev.gatehouse.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordTimesTest {
  @Test
  void writesWhatIsoInstantWritesForEveryPrecision() {
    RecordTimes times = new RecordTimes();
    Instant base = Instant.parse("2026-12-03T18:06:18Z");
    Instant[] samples = {
        base, base.plusMillis(1), base.plusMillis(120), base.plusMillis(999), base.plusNanos(1_000),
        base.plusNanos(123_456_000), base.plusNanos(1), base.plusNanos(999_999_999), base.plusSeconds(1),
        base.minusSeconds(1), base, Instant.EPOCH, Instant.parse("1999-12-31T23:59:59.5Z")};
    for (Instant sample : samples) {
      assertThat(times.format(sample)).as(sample.toString()).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(sample));
    }
  }

  @Test
  void agreesWithIsoInstantOnManyRecordTimesInAndAcrossSeconds() {
    RecordTimes times = new RecordTimes();
    Random random = new Random(42);
    long millis = Instant.parse("2026-12-03T00:00:00Z").toEpochMilli();
    for (int i = 0; i < 20_000; i++) {
      millis += random.nextInt(400);
      Instant time = Instant.ofEpochMilli(millis);
      assertThat(times.format(time)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(time));
    }
  }
}
