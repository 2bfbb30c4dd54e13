package dev.gatehouse.gateway.policy;

import static dev.gatehouse.gateway.policy.PostgresFixture.await;
import static dev.gatehouse.gateway.policy.PostgresFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.logging.RateLimitedLog;
import dev.gatehouse.gateway.testing.LogCapture;
import io.vertx.pgclient.PgConnectOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** PostgreSQL stopping under a running watcher: its LISTEN connection's end is logged once, through the logger. */
class ListenConnectionLoggingTest {
  private static final String WATCHER_LOGGER = ActivityChangeWatcher.class.getName();

  @Test
  void postgresShuttingDownIsOneLoggedLineNotABarePgExceptionOnStderr() throws Exception {
    RateLimitedLog.forgetEverywhere();
    try (PostgresFixture fixture = new PostgresFixture(); LogCapture log = LogCapture.start()) {
      PgConnectOptions database = fixture.newDatabase();
      await(SchemaMigrations.apply(ActivityStore.createPool(fixture.vertx, database, 1)));
      ActivityChangeWatcher watcher = new ActivityChangeWatcher(fixture.vertx, database,
          new ActivityStore(ActivityStore.createPool(fixture.vertx, database, 1)), new ActivityIndexHolder(),
          Duration.ofHours(1));
      await(watcher.start());
      assertThat(eventually(watcher::listening, Duration.ofSeconds(20))).as("LISTEN is up").isTrue();

      fixture.postgres.close();

      assertThat(eventually(() -> !log.linesContaining("Lost the LISTEN connection").isEmpty(), Duration.ofSeconds(20)))
          .as("the loss is logged").isTrue();
      assertThat(log.linesFrom(WATCHER_LOGGER).stream().filter(l -> l.contains("Lost the LISTEN connection")))
          .singleElement().asString()
          .contains(" WARN ")
          // The reason is PostgreSQL's FATAL 57P01 or a plain reset, whichever reaches the client first.
          .containsPattern("Lost the LISTEN connection to PostgreSQL at [^ ]+ \\(.+\\)")
          .contains("Reconnecting with backoff");
      assertThat(log.linesContaining("io.vertx.pgclient.PgException")).as("nothing printed past the logger").isEmpty();
      assertThat(log.stackTraceLines()).isEmpty();
      await(watcher.stop());
    }
  }
}
