package dev.gatehouse.gateway.revocation;

import static dev.gatehouse.gateway.policy.PostgresFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.PostgresFixture;
import dev.gatehouse.gateway.policy.SchemaMigrations;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The least-privileged role for Keycloak's revocation relay ({@code sql/revocation-writer-role.sql}), in a real
 * PostgreSQL with the gateway's tables: it can run the relay's statement and nothing else of use.
 */
class RevocationWriterRoleTest {
  static final String SCRIPT = "sql/revocation-writer-role.sql";
  static final String ROLE = "gatehouse_revocation_writer";
  /** SQLSTATE insufficient_privilege. */
  static final String DENIED = "42501";
  /** The relay's statement (keycloak-providers GatewayDatabase), with the pg client's placeholders. */
  static final String RELAY_INSERT = "WITH inserted AS ("
      + " INSERT INTO revocations (kind, key, not_before, reason, expires_at, source)"
      + " SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM revocations WHERE source = $6)"
      + " RETURNING id)"
      + " SELECT pg_notify('gatehouse_revocations', id::text) FROM inserted";

  /** What the role must be refused: everything but the relay's statement. */
  static final List<String> REFUSED = List.of(
      "SELECT * FROM activities",
      "SELECT count(*) FROM activities",
      "INSERT INTO activities (method, url_regex, description) VALUES ('GET', '/evil', 'planted')",
      "UPDATE activities SET url_regex = '/.*'",
      "DELETE FROM activities",
      "TRUNCATE activities",
      "SELECT * FROM activity_permissions",
      "SELECT * FROM services",
      "SELECT kind, key, reason FROM revocations",
      "UPDATE revocations SET expires_at = 0",
      "DELETE FROM revocations",
      "TRUNCATE revocations",
      "INSERT INTO revocations (id, kind, key, not_before, reason, expires_at, source)"
          + " VALUES (999999, 'subject', '*', 0, 'x', 0, 'forged-id')",
      "SELECT setval('revocations_id_seq', 1)");

  private static PostgresFixture fixture;
  private static Pool owner;
  private static Pool writer;

  @BeforeAll
  static void start() throws Exception {
    fixture = new PostgresFixture();
    PgConnectOptions database = fixture.newDatabase();
    owner = ActivityStore.createPool(fixture.vertx, database, 1);
    await(SchemaMigrations.apply(owner));
    await(owner.query(script()).execute());
    await(owner.query(script()).execute()); // idempotent: a second run changes nothing and does not fail
    await(owner.query("ALTER ROLE " + ROLE + " PASSWORD 'writer-test'").execute());
    await(owner.query("INSERT INTO activities (method, url_regex, description) VALUES ('GET', '/x', 'seeded')")
        .execute());
    writer = ActivityStore.createPool(fixture.vertx, new PgConnectOptions(database).setUser(ROLE)
        .setPassword("writer-test"), 1);
  }

  @AfterAll
  static void stop() throws Exception {
    await(writer.close());
    await(owner.close());
    fixture.close();
  }

  @Test
  void theRoleCanRunTheRelaysStatementIdempotently() {
    long expires = System.currentTimeMillis() + 3_600_000;
    Tuple row = Tuple.of("subject", "user-1", System.currentTimeMillis(), "user_disabled", expires, "node-1/event-1");
    RowSet<Row> first = await(writer.preparedQuery(RELAY_INSERT).execute(row));
    assertThat(first.rowCount()).as("one row inserted and notified").isEqualTo(1);
    RowSet<Row> retry = await(writer.preparedQuery(RELAY_INSERT).execute(row));
    assertThat(retry.rowCount()).as("a retry of the same source inserts nothing").isZero();
    assertThat(await(owner.query("SELECT count(*) FROM revocations WHERE source = 'node-1/event-1'").execute())
        .iterator().next().getLong(0)).isEqualTo(1);
  }

  @Test
  void theRoleCannotReadOrChangeActivitiesServicesOrExistingRevocations() {
    for (String sql : REFUSED) {
      Throwable failure = catchThrowable(() -> await(writer.query(sql).execute()));
      assertThat(failure).as(sql).isInstanceOf(PgException.class);
      assertThat(((PgException) failure).getSqlState()).as(sql + ": " + failure.getMessage()).isEqualTo(DENIED);
    }
    assertThat(await(owner.query("SELECT count(*) FROM activities WHERE description = 'seeded'").execute())
        .iterator().next().getLong(0)).as("the seeded activity is untouched").isEqualTo(1);
  }

  static String script() throws Exception {
    try (InputStream in = RevocationWriterRoleTest.class.getClassLoader().getResourceAsStream(SCRIPT)) {
      assertThat(in).as(SCRIPT + " on the classpath").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
