package dev.gatehouse.gateway.revocation;

import static dev.gatehouse.gateway.policy.PostgresFixture.await;
import static dev.gatehouse.gateway.policy.PostgresFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.PostgresFixture;
import dev.gatehouse.gateway.policy.SchemaMigrations;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.Revocations;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real gateway and a real PostgreSQL: rows written per the revocation contract refuse the affected token only. */
class RevocationGatewayTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static PostgresFixture fixture;

  @BeforeAll
  static void startPostgres() throws Exception {
    fixture = new PostgresFixture();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    fixture.close();
  }

  /** One gateway following one fresh database. */
  private static final class Setup implements AutoCloseable {
    final PgConnectOptions database = fixture.newDatabase();
    final Pool pool = ActivityStore.createPool(fixture.vertx, database, 2);
    final RevocationGuard guard;
    final RevocationWatcher watcher;
    final GatewayHarness gateway;
    final long issuedAt = System.currentTimeMillis() / 1000 - 10;

    Setup(RevocationOptions options) throws Exception {
      await(SchemaMigrations.apply(pool));
      guard = new RevocationGuard(options, Clock.systemUTC());
      watcher = new RevocationWatcher(fixture.vertx, database, new RevocationStore(pool), guard, Clock.systemUTC());
      gateway = GatewayHarness.withRevocations(guard);
      gateway.verifier
          .accept("alice", token("sub-alice", "sid-alice", Set.of("fellow"), Set.of("use-everything"), null))
          .accept("bob", token("sub-bob", "sid-bob", Set.of("fellow"), Set.of("use-everything"), null))
          .accept("carol", token("sub-carol", "sid-carol", Set.of("admin"), Set.of("use-everything"), null))
          .accept("pat", token("sub-dave", null, Set.of(), Set.of("use-everything"), "pat-1"));
    }

    VerifiedToken token(String sub, String sid, Set<String> roles, Set<String> permissions, String apiTokenId) {
      return new VerifiedToken(sub, sub, sub + "@example.test", permissions, roles, "web-app", issuedAt + 300,
          apiTokenId, sid, issuedAt);
    }

    HttpResponse<String> get(String bearer) throws Exception {
      return gateway.get("/api/v1/roles", bearer);
    }

    @Override
    public void close() throws Exception {
      await(watcher.stop());
      gateway.close();
      await(pool.close());
    }
  }

  private static RevocationOptions fastPoll() {
    return new RevocationOptions(Duration.ofSeconds(1), Duration.ofSeconds(30), RevocationOptions.WhenStale.REFUSE,
        Duration.ofSeconds(60));
  }

  @Test
  void protectedRoutesAnswer503UntilTheFirstLoad() throws Exception {
    try (Setup setup = new Setup(fastPoll())) {
      HttpResponse<String> before = setup.get("alice");
      assertThat(before.statusCode()).isEqualTo(503);
      assertThat(before.body()).contains("revocation list");
      await(setup.watcher.start());
      assertThat(setup.get("alice").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void eachKindRefusesTheAffectedTokenOnlyWithAnActionableReason() throws Exception {
    try (Setup setup = new Setup(fastPoll())) {
      await(setup.watcher.start());
      assertThat(setup.get("alice").statusCode()).isEqualTo(200);

      await(Revocations.revoke(setup.pool, "session", "sid-alice", "logout"));
      HttpResponse<String> refused = Revocations.awaitStatus(() -> setup.get("alice"), 401, WAIT);
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue(
          "Bearer error=\"invalid_token\", error_description=\"session ended, sign in again\"");
      assertThat(setup.get("bob").statusCode()).as("another session").isEqualTo(200);

      await(Revocations.revoke(setup.pool, "role", "admin", "permissions_changed"));
      HttpResponse<String> carol = Revocations.awaitStatus(() -> setup.get("carol"), 401, WAIT);
      assertThat(carol.headers().firstValue("WWW-Authenticate").orElseThrow())
          .contains("permissions changed, get a new token");
      assertThat(setup.get("bob").statusCode()).as("role fellow untouched").isEqualTo(200);

      await(Revocations.revoke(setup.pool, "api_token", "pat-1", "api_token_revoked"));
      HttpResponse<String> pat = Revocations.awaitStatus(() -> setup.get("pat"), 401, WAIT);
      assertThat(pat.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("API token revoked");

      await(Revocations.revoke(setup.pool, "subject", "sub-bob", "user_disabled"));
      HttpResponse<String> bob = Revocations.awaitStatus(() -> setup.get("bob"), 401, WAIT);
      assertThat(bob.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("user disabled");
      assertThat(setup.gateway.metrics.scrape()).contains("gatehouse_revoked_tokens_total");
    }
  }

  @Test
  void aTokenIssuedAfterTheChangeIsAccepted() throws Exception {
    try (Setup setup = new Setup(fastPoll())) {
      await(setup.watcher.start());
      await(Revocations.revoke(setup.pool, "subject", "sub-alice", "permissions_changed"));
      assertThat(Revocations.awaitStatus(() -> setup.get("alice"), 401, WAIT).statusCode()).isEqualTo(401);
      long later = System.currentTimeMillis() / 1000 + 2;
      setup.gateway.verifier.accept("alice-new", new VerifiedToken("sub-alice", "a", "e", Set.of("use-everything"),
          Set.of("fellow"), "web-app", later + 300, null, "sid-alice", later));
      assertThat(setup.get("alice-new").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aGatewayStartedAfterTheRowWasWrittenRefusesTheToken() throws Exception {
    try (Setup setup = new Setup(fastPoll())) {
      // Written while "this gateway" was down: found by the full load at start.
      await(SchemaMigrations.apply(setup.pool));
      await(Revocations.revokeWithoutNotify(setup.pool, "subject", "*", "session_ended"));
      await(setup.watcher.start());
      assertThat(setup.get("alice").statusCode()).isEqualTo(401);
      assertThat(setup.get("pat").statusCode()).as("'*' matches every subject").isEqualTo(401);
    }
  }

  @Test
  void aDroppedListenConnectionIsReportedAsStalenessAndCaughtUp() throws Exception {
    try (Setup setup = new Setup(fastPoll())) {
      await(setup.watcher.start());
      assertThat(eventually(() -> setup.guard.staleness() != null && setup.guard.staleness().isZero(), WAIT))
          .as("live once LISTEN is up").isTrue();
      await(setup.pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'"
          + " AND pid <> pg_backend_pid()").execute());
      // Written while the channel is down, and its notification lost: the poll or the catch-up read finds it.
      await(Revocations.revokeWithoutNotify(setup.pool, "session", "sid-alice", "logout"));
      assertThat(Revocations.awaitStatus(() -> setup.get("alice"), 401, WAIT).statusCode()).isEqualTo(401);
      assertThat(setup.get("bob").statusCode()).isEqualTo(200);
      assertThat(eventually(() -> setup.watcher.listening() && setup.guard.staleness().isZero(), WAIT))
          .as("live again after the reconnect").isTrue();
      HttpResponse<String> health = setup.gateway.get("/health/ready", null);
      assertThat(health.body()).contains("\"revocations\":\"UP\"").contains("\"stalenessSeconds\":0.0");
    }
  }

  @Test
  void whenStaleRefuseAnswers503AndServeKeepsServing() throws Exception {
    for (RevocationOptions.WhenStale mode : RevocationOptions.WhenStale.values()) {
      RevocationOptions options = new RevocationOptions(Duration.ofSeconds(1), Duration.ofSeconds(2), mode,
          Duration.ofSeconds(60));
      try (Setup setup = new Setup(options)) {
        await(setup.watcher.start());
        assertThat(setup.get("alice").statusCode()).isEqualTo(200);
        // PostgreSQL unreachable for this gateway: reads fail, the list ages.
        Pool admin = ActivityStore.createPool(fixture.vertx, new PgConnectOptions(setup.database).setDatabase("postgres"), 1);
        await(admin.query("ALTER DATABASE " + setup.database.getDatabase() + " ALLOW_CONNECTIONS false").execute());
        await(admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
            + setup.database.getDatabase() + "'").execute());
        assertThat(eventually(setup.guard::tooStale, WAIT)).isTrue();
        int expected = mode == RevocationOptions.WhenStale.REFUSE ? 503 : 200;
        assertThat(setup.get("alice").statusCode()).as(mode.name()).isEqualTo(expected);
        HttpResponse<String> health = setup.gateway.get("/health/ready", null);
        assertThat(health.statusCode()).isEqualTo(mode == RevocationOptions.WhenStale.REFUSE ? 503 : 200);
        assertThat(health.body()).contains("\"whenStale\":\"" + mode.name().toLowerCase() + "\"");
        await(admin.query("ALTER DATABASE " + setup.database.getDatabase() + " ALLOW_CONNECTIONS true").execute());
        await(admin.close());
      }
    }
  }
}
