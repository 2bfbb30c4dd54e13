package dev.gatehouse.keycloak.revocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RevocationSettingsTest {

  @Test
  void withoutAUrlTheListenerIsUnconfiguredAndDefaultsApply() {
    RevocationSettings settings = RevocationSettings.from(Map.<String, String>of()::get);

    assertThat(settings.configured()).isFalse();
    assertThat(settings.maxTokenLifespan()).isEqualTo(Duration.ofHours(1));
    assertThat(settings.permissionsClient()).isEqualTo("gatehouse-permissions");
    assertThat(settings.jdbcUrlForLogs()).isEqualTo("(not set)");
  }

  @Test
  void readsEveryOption() {
    RevocationSettings settings = RevocationSettings.from(Map.of(
        "jdbc-url", "jdbc:postgresql://db:5432/gatehouse?sslmode=require",
        "jdbc-username", "gatehouse", "jdbc-password", "s3cret",
        "max-token-lifespan-seconds", "900", "permissions-client", "perms",
        "poll-interval-millis", "250", "orphan-age-seconds", "10", "max-backoff-seconds", "5")::get);

    assertThat(settings.configured()).isTrue();
    assertThat(settings.maxTokenLifespan()).isEqualTo(Duration.ofMinutes(15));
    assertThat(settings.permissionsClient()).isEqualTo("perms");
    assertThat(settings.pollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings.orphanAge()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.maxBackoff()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.jdbcUrlForLogs()).isEqualTo("jdbc:postgresql://db:5432/gatehouse").doesNotContain("s3cret");
  }

  @Test
  void badValuesNameTheOptionAndItsEnvironmentVariable() {
    assertThatThrownBy(() -> RevocationSettings.from(Map.of("jdbc-url", "jdbc:mysql://db/x")::get))
        .hasMessageContaining("spi-events-listener--gatehouse-revocations--jdbc-url")
        .hasMessageContaining("KC_SPI_EVENTS_LISTENER__GATEHOUSE_REVOCATIONS__JDBC_URL")
        .hasMessageContaining("PostgreSQL JDBC URL");
    assertThatThrownBy(() -> RevocationSettings.from(Map.of("max-token-lifespan-seconds", "0")::get))
        .hasMessageContaining("KC_SPI_EVENTS_LISTENER__GATEHOUSE_REVOCATIONS__MAX_TOKEN_LIFESPAN_SECONDS")
        .hasMessageContaining("positive whole number");
  }

  @Test
  void credentialsInTheUrlNeverReachTheLogs() {
    RevocationSettings settings = RevocationSettings.from(
        Map.of("jdbc-url", "jdbc:postgresql://user:pw@db:5432/gatehouse")::get);

    assertThat(settings.jdbcUrlForLogs()).isEqualTo("jdbc:postgresql://db:5432/gatehouse");
  }
}
