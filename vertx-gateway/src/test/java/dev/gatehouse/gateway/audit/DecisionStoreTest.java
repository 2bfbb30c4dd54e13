package dev.gatehouse.gateway.audit;

import static dev.gatehouse.gateway.policy.PostgresFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.PostgresFixture;
import dev.gatehouse.gateway.policy.SchemaMigrations;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The decisions table (V005): batched inserts, the admin search's filters, retention in slices. */
class DecisionStoreTest {
  static PostgresFixture postgres;
  static Pool pool;
  static DecisionStore store;
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  @BeforeAll
  static void start() throws Exception {
    postgres = new PostgresFixture();
    pool = ActivityStore.createPool(postgres.vertx, postgres.newDatabase(), 2);
    await(SchemaMigrations.apply(pool));
    store = new DecisionStore(pool);
  }

  @AfterAll
  static void stop() throws Exception {
    await(pool.close());
    postgres.close();
  }

  static DecisionRecord record(Instant time, String username, String decision) {
    return new DecisionRecord(time, "req", "0af7651916cd43dd8448eb211c80319c", decision,
        decision.equals("allowed") ? 200 : 403, decision.equals("allowed") ? "activity" : "no_activity",
        "sub-" + username, username, "web", "bearer", null, "GET", "/api/x", decision.equals("allowed") ? 7L : null,
        decision.equals("allowed") ? "view-x" : null, null, decision.equals("allowed") ? 200 : null,
        decision.equals("allowed") ? 1.5 : null);
  }

  @Test
  void searchFiltersByUserDecisionAndTimeNewestFirst() {
    await(store.insert(List.of(
        record(NOW.minusSeconds(30), "carol", "denied"),
        record(NOW.minusSeconds(20), "carol", "allowed"),
        record(NOW.minusSeconds(10), "carol", "denied"),
        record(NOW.minusSeconds(10), "dave", "denied"),
        record(NOW.minus(Duration.ofHours(2)), "carol", "denied"))));
    List<DecisionRecord> found = await(store.search(new DecisionQuery(null, "carol", "denied",
        NOW.minus(Duration.ofHours(1)), NOW.plusSeconds(1), 100)));
    assertThat(found).extracting(DecisionRecord::time).containsExactly(NOW.minusSeconds(10), NOW.minusSeconds(30));
    assertThat(found.get(0)).isEqualTo(record(NOW.minusSeconds(10), "carol", "denied"));
    List<DecisionRecord> allowed = await(store.search(new DecisionQuery("sub-carol", null, "allowed",
        NOW.minus(Duration.ofHours(1)), NOW.plusSeconds(1), 100)));
    assertThat(allowed).singleElement().isEqualTo(record(NOW.minusSeconds(20), "carol", "allowed"));
    assertThat(await(store.search(new DecisionQuery(null, "carol", null, NOW.minus(Duration.ofDays(1)),
        NOW.plusSeconds(1), 2)))).hasSize(2);
  }

  @Test
  void retentionDeletesOnlyOlderRowsAcrossSeveralSlices() {
    int old = DecisionStore.DELETE_SLICE_ROWS + 5;
    List<DecisionRecord> batch = new java.util.ArrayList<>();
    for (int i = 0; i < old; i++) {
      batch.add(record(NOW.minus(Duration.ofDays(40)).plusSeconds(i), "erin", "denied"));
    }
    await(store.insert(batch));
    await(store.insert(List.of(record(NOW.minus(Duration.ofDays(29)), "erin", "denied"))));
    long deleted = await(store.deleteOlderThan(NOW.minus(Duration.ofDays(30))));
    assertThat(deleted).isEqualTo(old);
    assertThat(await(store.search(new DecisionQuery(null, "erin", null, NOW.minus(Duration.ofDays(60)),
        NOW.plusSeconds(1), 1000)))).singleElement()
        .extracting(DecisionRecord::time).isEqualTo(NOW.minus(Duration.ofDays(29)));
  }
}
