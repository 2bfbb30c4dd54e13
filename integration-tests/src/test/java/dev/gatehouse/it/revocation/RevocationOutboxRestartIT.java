package dev.gatehouse.it.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.it.support.CuttableTcpRelay;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.it.support.RevocationsTable;
import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.WorkFiles;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.keycloak.KeycloakServer.Production;
import dev.gatehouse.stack.keycloak.RevocationDelivery;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #14, "restarting a Keycloak node loses no revocation": Keycloak in production mode on PostgreSQL (its outbox
 * persists), delivering as the least-privileged writer role through a link the test cuts. A user disabled while the
 * gateways' database is unreachable stays in Keycloak's outbox across a Keycloak restart, and the restarted node
 * delivers it, with the time of the change, once the database is reachable again.
 */
@ExtendWith(RealPostgres.class)
class RevocationOutboxRestartIT {
  private static final String REALM = "gatehouse";
  private static final String KEYCLOAK_DATABASE = "keycloak_outbox_restart";
  private static final Duration DELIVERY = Duration.ofSeconds(120);

  @Test
  void aRevocationWaitingInTheOutboxIsDeliveredAfterKeycloakRestarts(PostgresServer postgres) throws Exception {
    StackLayout layout = StackLayout.locate();
    RevocationsTable revocations = RevocationsTable.in(postgres);
    postgres.execute("CREATE DATABASE " + KEYCLOAK_DATABASE);
    Path buildDir = layout.workDir().resolve("keycloak-outbox-build-" + ProcessHandle.current().pid());
    KeycloakServer.Options base = KeycloakServer.Options.defaults(layout)
        .withProgress(message -> System.out.println("[keycloak-outbox] " + message));
    try (CuttableTcpRelay link = CuttableTcpRelay.to(postgres.port())) {
      Map<String, String> delivery = RevocationDelivery.to(postgres, 1);
      delivery.put(RevocationDelivery.JDBC_URL, "jdbc:postgresql://127.0.0.1:" + link.port() + "/"
          + PostgresServer.DATABASE);
      // The restarted node is a new node id: it takes over the old node's rows after this age.
      delivery.put(RevocationDelivery.ENV_PREFIX + "ORPHAN_AGE_SECONDS", "2");
      KeycloakServer.Options options = base.withExtraEnvironment(delivery);
      Path built = KeycloakServer.buildForProduction(layout, options, buildDir);
      String hostname = "http://127.0.0.1:" + FreePorts.next();
      Production production = new Production(built, postgres.jdbcUrl(KEYCLOAK_DATABASE), PostgresServer.USER,
          PostgresServer.PASSWORD, hostname, freeClusterPort(), true);

      String disabledWhileCut;
      long changeReturnedAt;
      KeycloakServer first = KeycloakServer.start(layout, options.withInstanceName("keycloak-outbox-1")
          .withPorts(FreePorts.next(), FreePorts.next()).withProduction(production));
      try {
        KeycloakAdminClient admin = first.admin();
        // Delivery works, as the writer role, before anything is cut.
        String control = createUser(admin, "outbox-control");
        disable(admin, control);
        revocations.await("subject", control, DELIVERY, row -> row.reason().equals("user_disabled"));

        link.cut();
        disabledWhileCut = createUser(admin, "outbox-waiting");
        disable(admin, disabledWhileCut);
        changeReturnedAt = System.currentTimeMillis();
        assertThat(outboxRows(postgres, disabledWhileCut)).as("recorded in Keycloak's own database").isEqualTo(1);
        await("the relay tried and failed while the link is cut",
            () -> first.log().contains("Gatehouse revocations: cannot deliver"));
        assertThat(revocations.rows("subject", disabledWhileCut)).as("not delivered while cut").isEmpty();
      } finally {
        first.close();
      }
      assertThat(outboxRows(postgres, disabledWhileCut)).as("still waiting after Keycloak stopped").isEqualTo(1);
      assertThat(revocations.rows("subject", disabledWhileCut)).as("not delivered before the restart").isEmpty();

      link.restore();
      KeycloakServer second = KeycloakServer.start(layout, options.withInstanceName("keycloak-outbox-2")
          .withPorts(FreePorts.next(), FreePorts.next())
          .withProduction(production.withoutRealmImport().withClusterPort(freeClusterPort())));
      try {
        RevocationsTable.Row row = revocations.await("subject", disabledWhileCut, DELIVERY,
            r -> r.reason().equals("user_disabled"));
        assertThat(row.notBefore()).as("not_before is the time of the change, not of the late delivery")
            .isLessThanOrEqualTo(changeReturnedAt);
        await("the outbox is empty once delivered", () -> outboxRows(postgres, disabledWhileCut) == 0);
        assertThat(revocations.rows("subject", disabledWhileCut)).as("delivered once").hasSize(1);
      } finally {
        second.close();
      }
    } finally {
      WorkFiles.deleteTree(buildDir);
    }
  }

  private static String createUser(KeycloakAdminClient admin, String prefix) {
    String username = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    return admin.post(REALM + "/users", Map.of("username", username, "enabled", true,
        "email", username + "@gatehouse.test", "firstName", "Outbox", "lastName", "Test")).createdId();
  }

  /** As the admin console does: the whole representation back, with enabled false. */
  private static void disable(KeycloakAdminClient admin, String userId) {
    ObjectNode user = (ObjectNode) admin.get(REALM + "/users/" + userId).expect(200).json();
    user.put("enabled", false);
    admin.put(REALM + "/users/" + userId, user).expect(204);
  }

  /** Rows for that user waiting in Keycloak's outbox table (in Keycloak's own database). */
  private static int outboxRows(PostgresServer postgres, String userId) {
    try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(KEYCLOAK_DATABASE),
        PostgresServer.USER, PostgresServer.PASSWORD)) {
      String table;
      try (ResultSet names = connection.createStatement().executeQuery("SELECT table_name FROM"
          + " information_schema.tables WHERE lower(table_name) = 'gatehouse_revocation_outbox'")) {
        assertThat(names.next()).as("Keycloak created its outbox table").isTrue();
        table = names.getString(1);
      }
      try (PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM \"" + table + "\" WHERE "
          + column(connection, table, "revoked_key") + " = ?")) {
        query.setString(1, userId);
        try (ResultSet result = query.executeQuery()) {
          result.next();
          return result.getInt(1);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read Keycloak's outbox: " + e.getMessage(), e);
    }
  }

  private static String column(Connection connection, String table, String name) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement("SELECT column_name FROM information_schema.columns"
        + " WHERE table_name = ? AND lower(column_name) = ?")) {
      query.setString(1, table);
      query.setString(2, name);
      try (ResultSet result = query.executeQuery()) {
        assertThat(result.next()).as("column " + name + " of " + table).isTrue();
        return "\"" + result.getString(1) + "\"";
      }
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    long end = System.nanoTime() + DELIVERY.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Not within " + DELIVERY.toSeconds() + " s: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted", e);
      }
    }
  }

  /** A free JGroups port whose failure-detection partner (port + 50000) is free too (see KeycloakCluster). */
  private static int freeClusterPort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(10_000, 15_500);
      if (free(port) && free(port + Production.FAILURE_DETECTION_PORT_OFFSET)) {
        return port;
      }
    }
    throw new IllegalStateException("No free pair of loopback ports p, p+50000 for JGroups in 10000-15500");
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
