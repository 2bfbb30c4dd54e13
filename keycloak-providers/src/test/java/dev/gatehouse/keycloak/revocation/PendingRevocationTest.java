package dev.gatehouse.keycloak.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PendingRevocationTest {
  private final PendingRevocation recorded =
      new PendingRevocation("id", "subject", "u1", "user_disabled", 10_000, 3_610_000, "keycloak n outbox id");

  @Test
  void aLaterCommitMovesNotBeforeAndExpiryAlong() {
    PendingRevocation committed = recorded.committedAt(10_250L);

    assertThat(committed.notBefore()).isEqualTo(10_250);
    assertThat(committed.expiresAt()).isEqualTo(3_610_250);
    assertThat(committed.source()).isEqualTo(recorded.source());
  }

  @Test
  void withoutAHintOrWithAnEarlierOneNothingMoves() {
    assertThat(recorded.committedAt(null)).isEqualTo(recorded);
    assertThat(recorded.committedAt(9_000L)).isEqualTo(recorded);
  }
}
