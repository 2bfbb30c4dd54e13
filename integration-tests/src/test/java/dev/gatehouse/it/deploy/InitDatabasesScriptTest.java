package dev.gatehouse.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.SchemaMigrations;
import dev.gatehouse.stack.keycloak.RevocationDelivery;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/postgres/init-databases.sh for real: bash and psql against a real PostgreSQL, as the postgres image runs it
 * on an empty data directory. Then the gateway's migrations as the database owner the script created (no
 * superuser), after which Keycloak's relay can write a revocation as gatehouse_revocation_writer and do nothing else.
 */
class InitDatabasesScriptTest {
  private static final String SUPERUSER = "postgres";
  /** Passwords with every character a shell or SQL literal could trip over. */
  private static final Map<String, String> PASSWORDS = Map.of(
      "GATEHOUSE_KEYCLOAK_DB_PASSWORD", "kc 'quoted' \"double\" \\ $HOME :var;",
      "GATEHOUSE_DB_PASSWORD", "gw ' ; DROP ROLE postgres; -- :'x'",
      "GATEHOUSE_REVOCATION_DB_PASSWORD", "rv `id` $(id) ' \\' :'revocation_password'");
  /** SQLSTATE insufficient_privilege: refused statements and refused connections alike. */
  private static final String DENIED = "42501";
  /** The relay's statement (keycloak-providers GatewayDatabase). */
  private static final String RELAY_INSERT = "WITH inserted AS ("
      + " INSERT INTO revocations (kind, key, not_before, reason, expires_at, source)"
      + " SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM revocations WHERE source = ?)"
      + " RETURNING id)"
      + " SELECT pg_notify('gatehouse_revocations', id::text) FROM inserted";

  private static EmbeddedPostgres postgres;
  private static Commands.Result withoutTheWriterPassword;
  private static List<String> rolesAfterTheRefusal;
  private static Commands.Result initialized;

  @BeforeAll
  static void initialize() throws Exception {
    Path script = RepositoryFiles.root().resolve("deploy/postgres/init-databases.sh");
    requirePsql();
    // md5 stores md5(password || role), so the test can check each password was set exactly.
    postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("password_encryption", "md5").start();

    Map<String, String> incomplete = new HashMap<>(PASSWORDS);
    incomplete.remove("GATEHOUSE_REVOCATION_DB_PASSWORD");
    withoutTheWriterPassword = runScript(script, incomplete);
    rolesAfterTheRefusal = strings("postgres", SUPERUSER, "",
        "SELECT rolname FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%' AND rolname <> 'postgres'");

    initialized = runScript(script, PASSWORDS);
    assertThat(initialized.exitCode()).as("init-databases.sh with every password; stderr: %s", initialized.stderr())
        .isZero();

    Vertx vertx = Vertx.vertx();
    try {
      Pool gateway = ActivityStore.createPool(vertx, new PgConnectOptions().setHost("127.0.0.1")
          .setPort(postgres.getPort()).setDatabase("gatehouse").setUser("gatehouse")
          .setPassword(PASSWORDS.get("GATEHOUSE_DB_PASSWORD")), 1);
      SchemaMigrations.apply(gateway).compose(applied -> gateway.query(
              "INSERT INTO activities (method, url_regex, description) VALUES ('GET', '/x', 'seeded')").execute())
          .eventually(gateway::close).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void withoutTheWritersPasswordTheScriptRefusesAndCreatesNothing() {
    assertThat(withoutTheWriterPassword.exitCode()).as("init-databases.sh without GATEHOUSE_REVOCATION_DB_PASSWORD")
        .isNotZero();
    assertThat(withoutTheWriterPassword.stderr()).contains("GATEHOUSE_REVOCATION_DB_PASSWORD must be set");
    assertThat(rolesAfterTheRefusal).as("roles created by the refused run").isEmpty();
  }

  @Test
  void everyRoleGetsExactlyItsPassword() throws Exception {
    Map<String, String> roles = Map.of("keycloak", "GATEHOUSE_KEYCLOAK_DB_PASSWORD",
        "gatehouse", "GATEHOUSE_DB_PASSWORD",
        RevocationDelivery.WRITER_ROLE, "GATEHOUSE_REVOCATION_DB_PASSWORD");
    for (var role : roles.entrySet()) {
      assertThat(strings("postgres", SUPERUSER, "", "SELECT rolpassword FROM pg_authid WHERE rolname = '"
          + role.getKey() + "'"))
          .as("role %s must have the password from %s", role.getKey(), role.getValue())
          .containsExactly(md5Password(PASSWORDS.get(role.getValue()), role.getKey()));
    }
    assertThat(strings("postgres", SUPERUSER, "", "SELECT rolname FROM pg_roles WHERE rolname IN"
        + " ('keycloak', 'gatehouse', '" + RevocationDelivery.WRITER_ROLE + "') AND (rolsuper OR rolcreaterole"
        + " OR rolcreatedb OR rolreplication OR rolbypassrls)"))
        .as("no role the script creates may be privileged").isEmpty();
  }

  @Test
  void theWriterCanWriteARevocationAsTheRelayDoesAfterTheGatewaysFirstStart() throws Exception {
    try (Connection writer = connect("gatehouse", RevocationDelivery.WRITER_ROLE,
        PASSWORDS.get("GATEHOUSE_REVOCATION_DB_PASSWORD"));
         PreparedStatement insert = writer.prepareStatement(RELAY_INSERT)) {
      long now = System.currentTimeMillis();
      Object[] values = {"subject", "user-1", now, "user_disabled", now + 3_600_000, "node-1/event-1",
          "node-1/event-1"};
      for (int i = 0; i < values.length; i++) {
        insert.setObject(i + 1, values[i]);
      }
      try (ResultSet notified = insert.executeQuery()) {
        assertThat(notified.next()).as("the relay's statement inserts and notifies one row").isTrue();
      }
    }
    assertThat(strings("gatehouse", SUPERUSER, "", "SELECT reason FROM revocations WHERE source = 'node-1/event-1'"))
        .containsExactly("user_disabled");
  }

  @Test
  void theWriterCannotTouchThePolicyAndNoRoleReachesAnothersDatabase() throws Exception {
    String writerPassword = PASSWORDS.get("GATEHOUSE_REVOCATION_DB_PASSWORD");
    for (String sql : List.of("SELECT * FROM activities", "UPDATE activities SET url_regex = '/.*'",
        "SELECT * FROM services", "UPDATE services SET name = 'x'", "DELETE FROM revocations",
        "SELECT kind, key FROM revocations")) {
      Throwable failure = catchThrowable(() -> {
        try (Connection writer = connect("gatehouse", RevocationDelivery.WRITER_ROLE, writerPassword);
             Statement statement = writer.createStatement()) {
          statement.execute(sql);
        }
      });
      assertThat(failure).as(sql).isInstanceOf(SQLException.class);
      assertThat(((SQLException) failure).getSQLState()).as(sql + ": " + failure.getMessage()).isEqualTo(DENIED);
    }
    assertThat(strings("gatehouse", SUPERUSER, "", "SELECT description FROM activities"))
        .as("the seeded activity is untouched").containsExactly("seeded");

    Map<String, List<String>> refusedConnections = Map.of(
        "keycloak", List.of("gatehouse", PASSWORDS.get("GATEHOUSE_KEYCLOAK_DB_PASSWORD")),
        "gatehouse", List.of("keycloak", PASSWORDS.get("GATEHOUSE_DB_PASSWORD")),
        RevocationDelivery.WRITER_ROLE, List.of("keycloak", writerPassword));
    for (var entry : refusedConnections.entrySet()) {
      String database = entry.getValue().get(0);
      Throwable failure = catchThrowable(() -> connect(database, entry.getKey(), entry.getValue().get(1)).close());
      assertThat(failure).as("%s connecting to database %s", entry.getKey(), database)
          .isInstanceOf(SQLException.class);
      assertThat(((SQLException) failure).getSQLState()).as(failure.getMessage()).isEqualTo(DENIED);
    }
  }

  private static Commands.Result runScript(Path script, Map<String, String> passwords) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("bash", script.toString());
    // Only what the postgres image gives the script, plus where the server is.
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().put("POSTGRES_USER", SUPERUSER);
    builder.environment().put("POSTGRES_DB", "postgres");
    builder.environment().put("PGHOST", "127.0.0.1");
    builder.environment().put("PGPORT", String.valueOf(postgres.getPort()));
    builder.environment().put("PGPASSWORD", SUPERUSER);
    builder.environment().putAll(passwords);
    return Commands.run(builder, Duration.ofSeconds(60));
  }

  private static void requirePsql() {
    try {
      Commands.Result version = Commands.run(new ProcessBuilder("psql", "--version"), Duration.ofSeconds(30));
      assertThat(version.exitCode()).as("psql --version: %s", version.stderr()).isZero();
    } catch (IOException e) {
      throw new AssertionError("psql is not on the PATH. deploy/postgres/init-databases.sh is run with it, as the"
          + " postgres image does: install the PostgreSQL client (Debian: postgresql-client); .ci/run does. ("
          + e.getMessage() + ")", e);
    }
  }

  private static Connection connect(String database, String user, String password) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database,
        user, password);
  }

  private static List<String> strings(String database, String user, String password, String sql)
      throws SQLException {
    try (Connection connection = connect(database, user, password);
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    }
  }

  private static String md5Password(String password, String role) throws Exception {
    byte[] digest = MessageDigest.getInstance("MD5").digest((password + role).getBytes(StandardCharsets.UTF_8));
    return "md5" + String.format("%032x", new BigInteger(1, digest));
  }
}
