package dev.gatehouse.gateway.policy;

import static dev.gatehouse.gateway.policy.PostgresFixture.await;
import static dev.gatehouse.gateway.policy.PostgresFixture.eventually;
import static dev.gatehouse.gateway.policy.PostgresFixture.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each test owns its PostgreSQL, because one of them stops it. */
class ActivityChangeWatcherTest {
  private static final Duration NO_POLL = Duration.ofHours(1);
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private PostgresFixture fixture;
  private PgConnectOptions database;
  private Pool writerPool;
  private Pool watcherPool;
  private ActivityStore writer;

  @BeforeEach
  void startPostgres() throws Exception {
    fixture = new PostgresFixture();
    database = fixture.newDatabase();
    writerPool = ActivityStore.createPool(fixture.vertx, database, 2);
    watcherPool = ActivityStore.createPool(fixture.vertx, database, 2);
    await(SchemaMigrations.apply(writerPool));
    writer = new ActivityStore(writerPool);
  }

  @AfterEach
  void stopPostgres() throws Exception {
    fixture.close();
  }

  @Test
  void aChangeMadeByAnotherGatewayArrivesThroughNotify() {
    ActivityIndexHolder holder = new ActivityIndexHolder();
    ActivityChangeWatcher watcher = new ActivityChangeWatcher(fixture.vertx, database, new ActivityStore(watcherPool),
        holder, NO_POLL);
    await(watcher.start());
    assertThat(holder.isLoaded()).isTrue();
    assertThat(holder.current().decide("GET", "/api/v1/roles", Set.of("view-roles")).allowed()).isFalse();

    Activity created = await(writer.create(new ActivityDefinition("GET", "/api/v1/roles", "", Set.of("view-roles"))));
    long version = await(writer.version());

    assertThat(eventually(() -> holder.version() == version, DEADLINE)).as("index reached version %d", version).isTrue();
    assertThat(holder.current().decide("GET", "/api/v1/roles", Set.of("view-roles")).decidingActivity()).isEqualTo(created);

    await(writer.unlinkPermission(created.id(), "view-roles"));
    long afterUnlink = await(writer.version());
    assertThat(eventually(() -> holder.version() == afterUnlink, DEADLINE)).isTrue();
    assertThat(holder.current().decide("GET", "/api/v1/roles", Set.of("view-roles")).allowed()).isFalse();
    await(watcher.stop());
  }

  @Test
  void thePollCatchesChangesWhenNotifyIsMissed() {
    ActivityIndexHolder holder = new ActivityIndexHolder();
    // A channel nobody sends on stands in for a lost notification.
    ActivityChangeWatcher watcher = new ActivityChangeWatcher(fixture.vertx, new PgConnectOptions(database).setPort(1),
        new ActivityStore(watcherPool), holder, Duration.ofMillis(50));
    await(watcher.start());
    await(writer.create(new ActivityDefinition("POST", "/api/v1/roles", "", Set.of("manage-roles"))));
    long version = await(writer.version());
    assertThat(eventually(() -> holder.version() == version, DEADLINE)).isTrue();
    assertThat(holder.size()).isEqualTo(1);
    await(watcher.stop());
  }

  @Test
  void invalidRowsAreSkippedLoudlyAndGrantNothing() {
    await(writer.create(new ActivityDefinition("GET", "/api/v1/roles", "", Set.of("view-roles"))));
    await(writerPool.query("INSERT INTO activities (method, url_regex) VALUES ('GET', '/api/(a+)+')").execute());
    await(writerPool.query("INSERT INTO activity_permissions SELECT id, 'p' FROM activities WHERE url_regex = '/api/(a+)+'").execute());

    ActivityIndexHolder holder = new ActivityIndexHolder();
    ActivityChangeWatcher watcher = new ActivityChangeWatcher(fixture.vertx, database, new ActivityStore(watcherPool),
        holder, NO_POLL);
    await(watcher.start());
    assertThat(holder.size()).isEqualTo(1);
    assertThat(watcher.skippedActivities()).isEqualTo(1);
    assertThat(holder.current().decide("GET", "/api/aaaa", Set.of("p")).allowed()).isFalse();
    assertThat(holder.current().decide("GET", "/api/v1/roles", Set.of("view-roles")).allowed()).isTrue();
    await(watcher.stop());
  }

  @Test
  void theLastGoodIndexKeepsServingWhenPostgresIsDown() throws Exception {
    await(writer.create(new ActivityDefinition("GET", "/api/v1/roles", "", Set.of("view-roles"))));
    ActivityIndexHolder holder = new ActivityIndexHolder();
    ActivityChangeWatcher watcher = new ActivityChangeWatcher(fixture.vertx, database, new ActivityStore(watcherPool),
        holder, Duration.ofMillis(100));
    await(watcher.start());
    long loadedVersion = holder.version();

    await(writerPool.close());
    await(watcherPool.close().recover(e -> io.vertx.core.Future.succeededFuture()));
    fixture.postgres.close();

    ActivityChangeWatcher afterOutage = new ActivityChangeWatcher(fixture.vertx, database,
        new ActivityStore(ActivityStore.createPool(fixture.vertx, database, 1)), holder, Duration.ofMillis(100));
    assertThat(failureOf(afterOutage.start())).isNotNull();
    assertThat(failureOf(watcher.reloadNow())).isNotNull();
    assertThat(watcher.reloadFailures()).isPositive();
    assertThat(holder.version()).isEqualTo(loadedVersion);
    assertThat(holder.current().decide("GET", "/api/v1/roles", Set.of("view-roles")).allowed()).isTrue();
    await(watcher.stop());
    await(afterOutage.stop());
  }
}
