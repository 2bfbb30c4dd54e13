package dev.gatehouse.keycloak.apitoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NewTokenRequestTest {
  private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

  @Test
  void aNameAloneMakesATokenWithoutExpiry() {
    NewTokenRequest request = NewTokenRequest.parse("{\"name\": \"  ci-script \"}", NOW);

    assertThat(request.name()).isEqualTo("ci-script");
    assertThat(request.expiresAt()).isNull();
  }

  @Test
  void anExpiryIsAnIso8601Instant() {
    assertThat(NewTokenRequest.parse("{\"name\":\"n\",\"expiresAt\":\"2027-01-31T00:00:00Z\"}", NOW).expiresAt())
        .isEqualTo(Instant.parse("2027-01-31T00:00:00Z"));
    assertThat(NewTokenRequest.parse("{\"name\":\"n\",\"expiresAt\":null}", NOW).expiresAt()).isNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''| Send a JSON body",
      "[]| must be a JSON object",
      "{| not valid JSON",
      "{}| \"name\" is required",
      "{\"name\": \"   \"}| \"name\" is required",
      "{\"name\": 42}| \"name\" is required",
      "{\"name\": \"a\\nb\"}| control characters",
      "{\"name\": \"n\", \"expiresAt\": \"2026-11-29T10:00:00Z\"}| not in the future",
      "{\"name\": \"n\", \"expiresAt\": \"2026-11-30\"}| ISO-8601 instant",
      "{\"name\": \"n\", \"expiresAt\": 1893456000}| ISO-8601 instant",
      "{\"name\": \"n\", \"scope\": \"admin\"}| Unknown field 'scope'",
  })
  void badBodiesAreRefusedWithAReason(String body, String reason) {
    assertThatThrownBy(() -> NewTokenRequest.parse(body, NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason.strip());
  }

  @Test
  void namesAreBounded() {
    String longest = "n".repeat(NewTokenRequest.MAX_NAME_LENGTH);

    assertThat(NewTokenRequest.parse("{\"name\":\"" + longest + "\"}", NOW).name()).isEqualTo(longest);
    assertThatThrownBy(() -> NewTokenRequest.parse("{\"name\":\"" + longest + "n\"}", NOW))
        .hasMessageContaining("too long");
  }
}
