package dev.gatehouse.keycloak.apitoken;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ApiTokenRulesTest {
  private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

  @Test
  void aTokenExpiresAtItsExpiryInstantAndNeverWithoutOne() {
    assertThat(ApiTokenRules.isExpired(null, NOW)).isFalse();
    assertThat(ApiTokenRules.isExpired(NOW.plusMillis(1), NOW)).isFalse();
    assertThat(ApiTokenRules.isExpired(NOW, NOW)).isTrue();
    assertThat(ApiTokenRules.isExpired(NOW.minusSeconds(1), NOW)).isTrue();
  }

  @Test
  void lastUseIsRecordedAtMostOncePerMinute() {
    assertThat(ApiTokenRules.shouldRecordUse(null, NOW)).isTrue();
    assertThat(ApiTokenRules.shouldRecordUse(NOW.minusSeconds(59), NOW)).isFalse();
    assertThat(ApiTokenRules.shouldRecordUse(NOW.minusSeconds(60), NOW)).isTrue();
    assertThat(ApiTokenRules.shouldRecordUse(NOW.minusSeconds(3600), NOW)).isTrue();
  }

  @Test
  void aLastUseAheadOfThisClockIsNotMovedBack() {
    assertThat(ApiTokenRules.shouldRecordUse(NOW.plusSeconds(5), NOW)).isFalse();
  }

  @Test
  void theAccessTokenNeverOutlivesTheApiToken() {
    long accessExp = NOW.plusSeconds(300).getEpochSecond();

    assertThat(ApiTokenRules.accessTokenExpiry(accessExp, null)).isEqualTo(accessExp);
    assertThat(ApiTokenRules.accessTokenExpiry(accessExp, NOW.plusSeconds(3600))).isEqualTo(accessExp);
    assertThat(ApiTokenRules.accessTokenExpiry(accessExp, NOW.plusSeconds(60))).isEqualTo(NOW.plusSeconds(60).getEpochSecond());
  }
}
