package dev.gatehouse.it.revocation;

import static dev.gatehouse.it.revocation.RevocationRealm.ALLOWED_PATH;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.it.gateway.RecordingUpstream;
import dev.gatehouse.it.revocation.GatewayReplicas.Answer;
import dev.gatehouse.it.revocation.RevocationChange.Scenario;
import dev.gatehouse.it.support.CuttableTcpRelay;
import dev.gatehouse.it.support.GatewayProcess;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.it.support.RevocationsTable;
import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.gateway.LocalGateway;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The revocation channel dropping under a running gateway process (issue #14, "dropping the channel loses no
 * revocation"), with the real Keycloak delivering changes into PostgreSQL. The gateway reaches PostgreSQL through a
 * relay the test can cut, so the test, Keycloak and the database itself keep working while the gateway is cut off.
 * <ol>
 *   <li>Its LISTEN connection is terminated with {@code pg_terminate_backend} (found by its {@code application_name})
 *       and cannot reconnect; a user disabled meanwhile is refused anyway, through the safety-net poll, while
 *       {@code /health/ready} stays UP and says the list is slightly stale.</li>
 *   <li>Every connection to PostgreSQL is cut for longer than {@code maxStalenessSeconds}: {@code /health/ready} and
 *       the staleness gauge say how stale it is, protected routes answer 503 ({@code whenStale=refuse}, the default),
 *       and changes made meanwhile are recorded without the gateway hearing of them (their NOTIFYs are lost).</li>
 *   <li>Once the link is back, every change made while it was down is enforced and the list is fresh again.</li>
 * </ol>
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class RevocationChannelDropIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final int MAX_STALENESS_SECONDS = 3;
  private static final String LISTEN_APPLICATION = "gatehouse-gateway listen gatehouse_revocations";
  private static final Pattern STALENESS_GAUGE =
      Pattern.compile("(?m)^gatehouse_revocation_staleness_seconds(?:\\{[^}]*})? (\\S+)$");

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void aDroppedChannelAndAnUnreachableDatabaseLoseNoRevocationAndSayHowStaleTheGatewayWas(KeycloakServer keycloak,
      PostgresServer postgres) throws Exception {
    RevocationRealm realm = new RevocationRealm(keycloak);
    RevocationsTable.in(postgres);
    Scenario disabledWhileNotListening = RevocationChange.USER_DISABLED.prepare(realm);
    Scenario disabledWhileCut = RevocationChange.USER_DISABLED.prepare(realm);
    Scenario signedOutWhileCut = RevocationChange.ADMIN_SIGN_OUT.prepare(realm);
    Scenario loggedOutWhileCut = RevocationChange.LOGOUT.prepare(realm);
    String bystander = disabledWhileNotListening.unaffected();

    try (CuttableTcpRelay link = CuttableTcpRelay.to(postgres.port());
         RecordingUpstream upstream = RecordingUpstream.start()) {
      JsonObject config = LocalGateway.localConfig(realm.issuer(), postgres, upstream.baseUrl(), FreePorts.next(),
          StackLayout.locate().realmConfigDir().resolve("activities.json"));
      config.getJsonObject("database").put("port", link.port());
      // whenStale is left at its default (refuse).
      config.put("revocation", new JsonObject().put("pollIntervalSeconds", 1)
          .put("maxStalenessSeconds", MAX_STALENESS_SECONDS));
      try (GatewayProcess gateway = GatewayProcess.start(config, Path.of("target/revocation-channel-drop")
          .toAbsolutePath())) {
        gateway.awaitReady(GatewayReplicas.READY);
        for (Scenario scenario : List.of(disabledWhileNotListening, disabledWhileCut, signedOutWhileCut,
            loggedOutWhileCut)) {
          assertThat(get(gateway, scenario.affected())).as("served before any change").isEqualTo(new Answer(200, null));
        }

        // 1. The LISTEN connection is terminated and cannot come back; the pool's connections stay.
        link.refuseNew(true);
        assertThat(terminateListenConnection(postgres, link)).as("the gateway's LISTEN backend, found by its"
            + " application_name among the relay's connections").isEqualTo(1);
        await("the gateway's LISTEN connection is gone", () -> listenBackends(postgres, link) == 0);
        disabledWhileNotListening.change().run();
        awaitAnswer(gateway, disabledWhileNotListening.affected(),
            new Answer(401, disabledWhileNotListening.description()), "the user disabled while LISTEN was down");
        assertThat(listenBackends(postgres, link)).as("refused through the poll: LISTEN is still down").isZero();
        await("/health/ready stays UP and reports a staleness above 0 while LISTEN is down", () -> {
          Health health = health(gateway);
          return health.status() == 200 && health.stalenessSeconds() > 0;
        });
        assertThat(get(gateway, bystander)).as("still serving within the staleness bound").isEqualTo(new Answer(200, null));

        // 2. Every connection cut for longer than maxStalenessSeconds.
        link.cut();
        long lastIdBeforeCut = lastRevocationId(postgres);
        await("/health/ready says DOWN and how stale once past maxStalenessSeconds", () -> {
          Health health = health(gateway);
          return health.status() == 503 && health.stalenessSeconds() > MAX_STALENESS_SECONDS
              && health.revocationsCheck().startsWith("DOWN");
        });
        assertThat(stalenessGauge(gateway)).as("gatehouse_revocation_staleness_seconds").isGreaterThan(
            MAX_STALENESS_SECONDS);
        assertThat(get(gateway, bystander).status()).as("whenStale=refuse: protected routes answer 503").isEqualTo(503);

        disabledWhileCut.change().run();
        signedOutWhileCut.change().run();
        loggedOutWhileCut.change().run();
        await("Keycloak recorded the three changes in the gateways' database while the gateway was cut off",
            () -> reasonsAfter(postgres, lastIdBeforeCut).containsAll(List.of("user_disabled", "session_ended",
                "logout")));
        Health stillCut = health(gateway);
        assertThat(stillCut.status()).isEqualTo(503);
        assertThat(stillCut.stalenessSeconds()).as("the staleness keeps growing while cut off")
            .isGreaterThan(MAX_STALENESS_SECONDS);
        for (Scenario scenario : List.of(disabledWhileCut, signedOutWhileCut, loggedOutWhileCut)) {
          assertThat(get(gateway, scenario.affected()).status()).as("never served while stale").isEqualTo(503);
        }

        // 3. Back: everything recorded meanwhile is enforced, nothing else is refused, the list is fresh.
        link.restore();
        for (Scenario scenario : List.of(disabledWhileCut, signedOutWhileCut, loggedOutWhileCut,
            disabledWhileNotListening)) {
          awaitAnswer(gateway, scenario.affected(), new Answer(401, scenario.description()),
              "a change made while the gateway was cut off");
        }
        await("/health/ready UP and fresh (LISTEN back) after the link is restored", () -> {
          Health health = health(gateway);
          return health.status() == 200 && health.stalenessSeconds() == 0;
        });
        assertThat(stalenessGauge(gateway)).isZero();
        assertThat(get(gateway, bystander)).as("the bystander is served again").isEqualTo(new Answer(200, null));
        assertThat(get(gateway, loggedOutWhileCut.unaffected())).as("the logged-out user's other session")
            .isEqualTo(new Answer(200, null));
        assertThat(gateway.log()).contains("The revocation list is", "more than revocation.maxStalenessSeconds = 3")
            .contains("The revocation list is fresh again.");
      }
    }
  }

  private record Health(int status, double stalenessSeconds, String revocationsCheck) {}

  private Health health(GatewayProcess gateway) {
    HttpResponse<String> response = send(gateway, "/health/ready", null);
    JsonObject body = new JsonObject(response.body());
    Double staleness = body.getJsonObject("details").getJsonObject("revocations").getDouble("stalenessSeconds");
    return new Health(response.statusCode(), staleness == null ? -1 : staleness,
        body.getJsonObject("checks").getString("revocations"));
  }

  private double stalenessGauge(GatewayProcess gateway) {
    String metrics = send(gateway, "/metrics", null).body();
    Matcher matcher = STALENESS_GAUGE.matcher(metrics);
    assertThat(matcher.find()).as("the staleness gauge on /metrics").isTrue();
    return Double.parseDouble(matcher.group(1));
  }

  private Answer get(GatewayProcess gateway, String bearer) {
    HttpResponse<String> response = send(gateway, ALLOWED_PATH, bearer);
    String description = null;
    if (response.statusCode() == 401) {
      Matcher matcher = Pattern.compile("error_description=\"([^\"]*)\"")
          .matcher(response.headers().firstValue("WWW-Authenticate").orElse(""));
      description = matcher.find() ? matcher.group(1) : "";
    }
    return new Answer(response.statusCode(), description);
  }

  private HttpResponse<String> send(GatewayProcess gateway, String path, String bearer) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
        .timeout(Duration.ofSeconds(10)).GET();
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("The gateway did not answer " + path + ": " + e + "; log: " + gateway.log(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  private void awaitAnswer(GatewayProcess gateway, String bearer, Answer expected, String what) {
    List<Answer> seen = new ArrayList<>();
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      Answer answer = get(gateway, bearer);
      if (answer.equals(expected)) {
        return;
      }
      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(answer)) {
        seen.add(answer);
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("Not " + expected + " within " + DEADLINE.toSeconds() + " s for " + what
            + "; answers: " + seen + "; log: " + gateway.log());
      }
      pause();
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Not within " + DEADLINE.toSeconds() + " s: " + what);
      }
      pause();
    }
  }

  /** Terminates the LISTEN backends for revocations that came through {@code link}; returns how many. */
  private static int terminateListenConnection(PostgresServer postgres, CuttableTcpRelay link) throws SQLException {
    return count(postgres, "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
        + " WHERE application_name = ? AND client_port = ANY (?)", link.targetSidePorts());
  }

  private static int listenBackends(PostgresServer postgres, CuttableTcpRelay link) {
    try {
      return count(postgres, "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?"
          + " AND client_port = ANY (?)", link.targetSidePorts());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int count(PostgresServer postgres, String sql, Set<Integer> ports) throws SQLException {
    try (Connection connection = connect(postgres); PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, LISTEN_APPLICATION);
      query.setArray(2, connection.createArrayOf("int4", ports.toArray()));
      try (ResultSet result = query.executeQuery()) {
        result.next();
        return result.getInt(1);
      }
    }
  }

  private static long lastRevocationId(PostgresServer postgres) throws SQLException {
    try (Connection connection = connect(postgres);
         ResultSet result = connection.createStatement().executeQuery("SELECT coalesce(max(id), 0) FROM revocations")) {
      result.next();
      return result.getLong(1);
    }
  }

  private static Set<String> reasonsAfter(PostgresServer postgres, long id) {
    try (Connection connection = connect(postgres);
         PreparedStatement query = connection.prepareStatement("SELECT reason FROM revocations WHERE id > ?")) {
      query.setLong(1, id);
      try (ResultSet result = query.executeQuery()) {
        List<String> reasons = new ArrayList<>();
        while (result.next()) {
          reasons.add(result.getString(1));
        }
        return reasons.stream().collect(Collectors.toSet());
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Connection connect(PostgresServer postgres) throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted", e);
    }
  }
}
