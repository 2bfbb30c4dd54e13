package dev.gatehouse.it.revocation;

import static dev.gatehouse.it.revocation.RevocationRealm.ALLOWED_PATH;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.it.revocation.GatewayReplicas.Answer;
import dev.gatehouse.it.revocation.RevocationChange.Scenario;
import dev.gatehouse.it.support.GatewayProcess;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Live revocation end to end (issue #14): the real Keycloak with the extension pack delivering into the gateways'
 * PostgreSQL, and two gateway processes on that database that re-read revocations only on NOTIFY (their safety-net
 * poll is an hour). For each change, both gateways serve the affected token before it and refuse it after, with the
 * reason the client can act on, while a token the change does not concern is still served.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class RevocationEndToEndIT {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private static RevocationRealm realm;
  private static GatewayReplicas gateways;

  @BeforeAll
  static void start(KeycloakServer keycloak, PostgresServer postgres) {
    realm = new RevocationRealm(keycloak);
    gateways = GatewayReplicas.start(2, realm.issuer(), postgres, Path.of("target/revocation-e2e"));
  }

  @AfterAll
  static void stop() {
    if (gateways != null) {
      gateways.close();
    }
  }

  @ParameterizedTest
  @EnumSource(RevocationChange.class)
  void bothGatewaysRefuseOnlyTheAffectedToken(RevocationChange kind) {
    Scenario scenario = kind.prepare(realm);
    for (int g = 0; g < gateways.size(); g++) {
      assertThat(gateways.get(g, ALLOWED_PATH, scenario.affected())).as("gateway %d before the change", g)
          .isEqualTo(new Answer(200, null));
      assertThat(gateways.get(g, ALLOWED_PATH, scenario.unaffected())).as("gateway %d, other token", g)
          .isEqualTo(new Answer(200, null));
    }

    scenario.change().run();

    for (int g = 0; g < gateways.size(); g++) {
      awaitRefusal(g, scenario.affected(), scenario.description(), kind.name());
      assertThat(gateways.get(g, ALLOWED_PATH, scenario.unaffected()))
          .as("gateway %d still serves the token %s does not concern", g, kind).isEqualTo(new Answer(200, null));
    }
  }

  /**
   * A gateway that was down while a change happened refuses the token from its first ready moment: during its start
   * it answers nothing, or 503, but never serves the token.
   */
  @Test
  void aGatewayRestartedAfterAChangeRefusesFromItsFirstReadyMoment() {
    Scenario scenario = RevocationChange.USER_DISABLED.prepare(realm);
    assertThat(gateways.get(1, ALLOWED_PATH, scenario.affected())).isEqualTo(new Answer(200, null));
    gateways.stop(1);

    scenario.change().run();
    awaitRefusal(0, scenario.affected(), scenario.description(), "the running gateway");

    GatewayProcess restarted = gateways.restart(1);
    List<Answer> duringStart = new ArrayList<>();
    long end = System.nanoTime() + GatewayReplicas.READY.toNanos();
    Answer answer;
    do {
      assertThat(restarted.isRunning()).as("the restarted gateway is running; log: %s", restarted.log()).isTrue();
      assertThat(System.nanoTime()).as("the restarted gateway answered 401 within %s; answers: %s",
          GatewayReplicas.READY, duringStart).isLessThan(end);
      answer = gateways.tryGet(1, ALLOWED_PATH, scenario.affected());
      if (answer != null && (duringStart.isEmpty() || !answer.equals(duringStart.get(duringStart.size() - 1)))) {
        duringStart.add(answer);
      }
      if (answer == null || answer.status() == 503) {
        pause();
      }
    } while (answer == null || answer.status() == 503);

    assertThat(answer).as("first answer other than 503 after the restart; answers: %s", duringStart)
        .isEqualTo(new Answer(401, scenario.description()));
    restarted.awaitReady(GatewayReplicas.READY);
    assertThat(gateways.get(1, ALLOWED_PATH, scenario.affected())).isEqualTo(new Answer(401, scenario.description()));
    assertThat(gateways.get(1, ALLOWED_PATH, scenario.unaffected())).isEqualTo(new Answer(200, null));
  }

  private static void awaitRefusal(int gateway, String token, String description, String what) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    Answer last = gateways.get(gateway, ALLOWED_PATH, token);
    while (!last.refusedWith(description)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Gateway " + gateway + " did not refuse the token within " + DEADLINE.toMillis()
            + " ms after " + what + " (expected 401 with \"" + description + "\"); last answer: " + last
            + "; gateway log: " + gateways.process(gateway).log());
      }
      pause();
      last = gateways.get(gateway, ALLOWED_PATH, token);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted", e);
    }
  }
}
