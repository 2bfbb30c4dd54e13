package dev.gatehouse.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.testing.LogCapture;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
  private static final String LOGGER = "test.RateLimitedLogTest";

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Logger logger = LoggerFactory.getLogger(LOGGER);
  private final RateLimitedLog log = new RateLimitedLog(logger, Duration.ofSeconds(30), nanos::get);
  private LogCapture capture;

  @BeforeEach
  void capture() {
    capture = LogCapture.start();
  }

  @AfterEach
  void release() {
    capture.close();
  }

  private void advanceSeconds(long seconds) {
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  @Test
  void aHundredRepeatsWithinTheIntervalLogOneLine() {
    for (int i = 0; i < 100; i++) {
      log.warn("upstream", "Upstream {} failed: {}", "/api", "Connection refused " + i);
    }

    assertThat(capture.linesFrom(LOGGER)).singleElement().asString()
        .contains(" WARN ").contains("Upstream /api failed: Connection refused 0").doesNotContain("repeated");
  }

  @Test
  void theSummaryAfterTheIntervalCountsTheRepeatsAndShowsTheLatest() {
    for (int i = 0; i < 100; i++) {
      log.warn("upstream", "Upstream {} failed: {}", "/api", "attempt " + i);
    }
    log.reportSuppressed(false);
    assertThat(capture.linesFrom(LOGGER)).as("nothing is due before the interval is over").hasSize(1);

    advanceSeconds(31);
    log.reportSuppressed(false);

    assertThat(capture.linesFrom(LOGGER)).hasSize(2);
    assertThat(capture.linesFrom(LOGGER).get(1)).contains(" WARN ").contains("Upstream /api failed: attempt 99")
        .contains("[repeated 99 times in the last 31 s; logged at most once per 30 s]");

    log.reportSuppressed(false);
    advanceSeconds(60);
    log.reportSuppressed(false);
    assertThat(capture.linesFrom(LOGGER)).as("no repeats since: no more summaries").hasSize(2);
  }

  @Test
  void aRepeatAfterTheIntervalLogsAtOnceWithTheCount() {
    log.warn("k", "down: {}", "first");
    log.warn("k", "down: {}", "second");
    log.warn("k", "down: {}", "third");
    advanceSeconds(45);
    log.warn("k", "down: {}", "fourth");
    log.warn("k", "down: {}", "fifth");

    assertThat(capture.linesFrom(LOGGER)).hasSize(2);
    assertThat(capture.linesFrom(LOGGER).get(1)).contains("down: fourth")
        .contains("[repeated 2 times in the last 45 s;");
  }

  @Test
  void keysAreLimitedIndependently() {
    for (int i = 0; i < 10; i++) {
      log.warn("/api error", "route {} down", "/api");
      log.warn("/slow timeout", "route {} slow", "/slow");
    }

    assertThat(capture.linesFrom(LOGGER)).hasSize(2).anyMatch(l -> l.contains("route /api down"))
        .anyMatch(l -> l.contains("route /slow slow"));
  }

  @Test
  void flushingReportsWhatIsCountedEvenBeforeTheIntervalIsOver() {
    log.error("k", "store down");
    log.error("k", "store down");
    log.reportSuppressed(true);

    assertThat(capture.linesFrom(LOGGER)).hasSize(2);
    assertThat(capture.linesFrom(LOGGER).get(1)).contains(" ERROR ").contains("store down [repeated 1 time in the");
  }

  @Test
  void aTrailingThrowableStillPrintsItsStackTrace() {
    log.error("bug", "Unexpected failure in {}", "the proxy", new IllegalStateException("bug"));

    assertThat(capture.linesFrom(LOGGER)).singleElement().asString().contains("Unexpected failure in the proxy");
    assertThat(capture.linesContaining("java.lang.IllegalStateException: bug")).hasSize(1);
    assertThat(capture.stackTraceLines()).isNotEmpty();
  }

  @Test
  void disabledLevelsAreNeitherLoggedNorCounted() {
    log.log(org.slf4j.event.Level.DEBUG, "k", "debug detail {}", new ConnectException("refused"));
    log.reportSuppressed(true);

    assertThat(capture.linesFrom(LOGGER)).isEmpty();
  }
}
