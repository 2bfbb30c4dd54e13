package dev.gatehouse.gateway.revocation;

import static dev.gatehouse.gateway.policy.PostgresFixture.await;
import static dev.gatehouse.gateway.revocation.RevocationWriterRoleTest.DENIED;
import static dev.gatehouse.gateway.revocation.RevocationWriterRoleTest.REFUSED;
import static dev.gatehouse.gateway.revocation.RevocationWriterRoleTest.RELAY_INSERT;
import static dev.gatehouse.gateway.revocation.RevocationWriterRoleTest.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.PostgresFixture;
import dev.gatehouse.gateway.policy.SchemaMigrations;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's migration {@code V007__revocation_writer_grants.sql}, in a real PostgreSQL laid out as
 * deploy/postgres/init-databases.sh lays it out: the gateway's user owns its database but is no superuser, PUBLIC
 * may not connect, and the writer role exists (with CONNECT) before the gateway's first start. The migration must
 * grant the role exactly what {@code sql/revocation-writer-role.sql} grants, and do nothing where the role does not
 * exist.
 */
class RevocationWriterGrantMigrationTest {
  private static final String OWNER = "gatehouse_owner_test";
  /** The writer's privileges in the gateways' database, as {@link #privilegesOfTheWriter} lists them. */
  private static final List<String> WRITER_PRIVILEGES = List.of(
      "database:CONNECT",
      "revocations.expires_at:INSERT",
      "revocations.id:SELECT",
      "revocations.key:INSERT",
      "revocations.kind:INSERT",
      "revocations.not_before:INSERT",
      "revocations.reason:INSERT",
      "revocations.source:INSERT",
      "revocations.source:SELECT",
      "revocations_id_seq:USAGE");

  private static PostgresFixture fixture;
  private static Pool admin;
  /** Migrated before the role existed, then given the role with the script, as an operator does by hand. */
  private static PgConnectOptions scriptedDatabase;
  private static int migrationsWithoutTheRole;
  /** Migrated after the role existed, by the gateway's (non-superuser) owner only. */
  private static PgConnectOptions migratedDatabase;

  @BeforeAll
  static void start() throws Exception {
    fixture = new PostgresFixture();
    admin = ActivityStore.createPool(fixture.vertx, new PgConnectOptions(fixture.newDatabase()).setDatabase("postgres"),
        1);
    await(admin.query("CREATE ROLE " + OWNER + " LOGIN PASSWORD 'owner-test' NOSUPERUSER NOCREATEROLE").execute());

    // First without the role: the migration must not fail and must not create it.
    scriptedDatabase = databaseOwnedByTheGateway("gatehouse_scripted");
    migrationsWithoutTheRole = as(OWNER, "owner-test", scriptedDatabase, SchemaMigrations::apply);
    assertThat(await(admin.query("SELECT count(*) FROM pg_roles WHERE rolname = '" + ROLE + "'").execute())
        .iterator().next().getLong(0)).as("the migration must not create the role").isZero();
    Pool scriptedAdmin = ActivityStore.createPool(fixture.vertx, scriptedDatabase, 1);
    try {
      await(scriptedAdmin.query(RevocationWriterRoleTest.script()).execute());
    } finally {
      await(scriptedAdmin.close());
    }

    // Then as init-databases.sh does it: the role exists, with CONNECT only, before the gateway's first start.
    await(admin.query("ALTER ROLE " + ROLE + " PASSWORD 'writer-test'").execute());
    migratedDatabase = databaseOwnedByTheGateway("gatehouse_migrated");
    await(admin.query("GRANT CONNECT ON DATABASE gatehouse_migrated TO " + ROLE).execute());
    as(OWNER, "owner-test", migratedDatabase, SchemaMigrations::apply);
    as(OWNER, "owner-test", migratedDatabase, pool -> pool
        .query("INSERT INTO activities (method, url_regex, description) VALUES ('GET', '/x', 'seeded')").execute());
  }

  @AfterAll
  static void stop() throws Exception {
    await(admin.close());
    fixture.close();
  }

  @Test
  void withoutTheRoleEveryMigrationApplies() {
    List<String> applied = new ArrayList<>();
    as(OWNER, "owner-test", scriptedDatabase, pool -> pool
        .query("SELECT name FROM gatehouse_schema_version ORDER BY version").execute())
        .forEach(row -> applied.add(row.getString(0)));
    assertThat(applied).as("migrations recorded where the role did not exist").hasSize(migrationsWithoutTheRole)
        .contains("V007__revocation_writer_grants.sql");
  }

  @Test
  void theMigrationGrantsTheExistingRoleExactlyWhatTheScriptGrants() {
    assertThat(privilegesOfTheWriter(migratedDatabase))
        .as("the writer's privileges after the gateway's migrations, the role having existed before")
        .containsExactlyElementsOf(WRITER_PRIVILEGES);
    assertThat(privilegesOfTheWriter(scriptedDatabase))
        .as("the writer's privileges after sql/revocation-writer-role.sql on a database migrated without the role")
        .containsExactlyElementsOf(WRITER_PRIVILEGES);
  }

  @Test
  void theRoleCanWriteARevocationAsTheRelayDoesAndNothingElse() {
    long now = System.currentTimeMillis();
    Tuple row = Tuple.of("subject", "user-1", now, "user_disabled", now + 3_600_000, "node-1/event-1");
    assertThat(as(ROLE, "writer-test", migratedDatabase, pool -> pool.preparedQuery(RELAY_INSERT).execute(row))
        .rowCount()).as("the relay's statement inserts and notifies one row").isEqualTo(1);
    for (String sql : REFUSED) {
      Throwable failure = catchThrowable(() -> as(ROLE, "writer-test", migratedDatabase,
          pool -> pool.query(sql).execute()));
      assertThat(failure).as(sql).isInstanceOf(PgException.class);
      assertThat(((PgException) failure).getSqlState()).as(sql + ": " + failure.getMessage()).isEqualTo(DENIED);
    }
    assertThat(as(OWNER, "owner-test", migratedDatabase, pool -> pool
        .query("SELECT (SELECT count(*) FROM activities WHERE description = 'seeded')"
            + " + (SELECT count(*) FROM revocations WHERE source = 'node-1/event-1')").execute())
        .iterator().next().getLong(0)).as("the seeded activity and the relay's revocation are still there")
        .isEqualTo(2);
  }

  /** A new database owned by the gateway's user, which PUBLIC may not connect to (as init-databases.sh makes it). */
  private static PgConnectOptions databaseOwnedByTheGateway(String name) {
    await(admin.query("CREATE DATABASE " + name + " OWNER " + OWNER).execute());
    await(admin.query("REVOKE ALL ON DATABASE " + name + " FROM PUBLIC").execute());
    return new PgConnectOptions().setHost("127.0.0.1").setPort(fixture.postgres.getPort()).setDatabase(name)
        .setUser("postgres").setPassword("postgres");
  }

  /** Runs {@code work} on a one-connection pool of {@code user} in {@code database}, and waits for it. */
  private static <T> T as(String user, String password, PgConnectOptions database,
      Function<Pool, io.vertx.core.Future<T>> work) {
    Pool pool = ActivityStore.createPool(fixture.vertx, new PgConnectOptions(database).setUser(user)
        .setPassword(password), 1);
    try {
      return await(work.apply(pool));
    } finally {
      await(pool.close());
    }
  }

  /** Table, column, sequence and database privileges granted to the writer, as "object[.column]:PRIVILEGE". */
  private static List<String> privilegesOfTheWriter(PgConnectOptions database) {
    String writer = "'" + ROLE + "'::regrole";
    String sql = "SELECT c.relname || ':' || x.privilege_type FROM pg_class c, aclexplode(c.relacl) x"
        + " WHERE x.grantee = " + writer + " AND c.relnamespace = 'public'::regnamespace"
        + " UNION ALL SELECT c.relname || '.' || a.attname || ':' || x.privilege_type"
        + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid, aclexplode(a.attacl) x"
        + " WHERE x.grantee = " + writer + " AND c.relnamespace = 'public'::regnamespace"
        + " UNION ALL SELECT 'database:' || x.privilege_type FROM pg_database d, aclexplode(d.datacl) x"
        + " WHERE d.datname = current_database() AND x.grantee = " + writer
        + " ORDER BY 1";
    List<String> privileges = new ArrayList<>();
    for (Row row : as("postgres", "postgres", database, pool -> pool.query(sql).execute())) {
      privileges.add(row.getString(0));
    }
    return privileges;
  }
}
