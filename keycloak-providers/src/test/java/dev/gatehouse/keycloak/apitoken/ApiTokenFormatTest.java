package dev.gatehouse.keycloak.apitoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiTokenFormatTest {
  private static final String CONTRACT_SHAPE = "^gatehouse_pat_[A-Za-z0-9]{40,120}[0-9a-f]{8}$";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String USER = "3f2b8c1e-9a4d-4e6f-8b21-0c7d5e9f1a23";
  private static final String CREDENTIAL = "a1b2c3d4-e5f6-4789-abcd-ef0123456789";

  @Test
  void aComposedTokenHasTheContractShapeAndAValidChecksum() {
    String token = ApiTokenFormat.compose(USER, CREDENTIAL, RANDOM);

    assertThat(token).matches(CONTRACT_SHAPE).startsWith("gatehouse_pat_");
    String body = token.substring(0, token.length() - 8);
    assertThat(token.substring(token.length() - 8)).isEqualTo(ApiTokenFormat.checksum(body));
    assertThat(ApiTokenFormat.isWellFormed(token)).isTrue();
  }

  @Test
  void theChecksumIsCrc32OfPrefixAndPayloadAsLowercaseHex() {
    // CRC32("gatehouse_pat_") computed independently: java.util.zip.CRC32 over the UTF-8 bytes.
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update("gatehouse_pat_abc".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(ApiTokenFormat.checksum("gatehouse_pat_abc")).isEqualTo(String.format("%08x", crc.getValue()))
        .matches("[0-9a-f]{8}");
    assertThat(ApiTokenFormat.checksum("123456789")).isEqualTo("cbf43926");
  }

  @Test
  void parsingGivesBackTheIdsAndThePayloadThatIsHashed() {
    String token = ApiTokenFormat.compose(USER, CREDENTIAL, RANDOM);

    ApiTokenFormat.ParsedToken parsed = ApiTokenFormat.parse(token).orElseThrow();

    assertThat(parsed.userId()).isEqualTo(USER);
    assertThat(parsed.credentialId()).isEqualTo(CREDENTIAL);
    assertThat(parsed.payload()).hasSize(ApiTokenFormat.PAYLOAD_LENGTH)
        .isEqualTo(token.substring("gatehouse_pat_".length(), token.length() - 8));
  }

  @Test
  void secretsAreFreshEveryTime() {
    Set<String> secrets = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String payload = ApiTokenFormat.parse(ApiTokenFormat.compose(USER, CREDENTIAL, RANDOM)).orElseThrow().payload();
      secrets.add(payload.substring(64));
    }
    assertThat(secrets).hasSize(200);
    assertThat(secrets).allSatisfy(secret -> assertThat(secret).hasSize(ApiTokenFormat.SECRET_LENGTH).matches("[A-Za-z0-9]+"));
  }

  @Test
  void aSingleChangedCharacterBreaksTheChecksum() {
    String token = ApiTokenFormat.compose(USER, CREDENTIAL, RANDOM);
    for (int i = "gatehouse_pat_".length(); i < token.length(); i++) {
      char replacement = token.charAt(i) == 'a' ? 'b' : 'a';
      String altered = token.substring(0, i) + replacement + token.substring(i + 1);
      assertThat(ApiTokenFormat.parse(altered)).as("changed at %d: %s", i, altered).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "gatehouse_pat_",
      "gatehouse_pat_short00000000",
      "GATEHOUSE_PAT_3f2b8c1e9a4d4e6f8b210c7d5e9f1a23a1b2c3d4e5f64789abcdef0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ",
      "ghp_3f2b8c1e9a4d4e6f8b210c7d5e9f1a23a1b2c3d4e5f64789abcdef0123456789",
      "gatehouse_pat_3f2b8c1e-9a4d-4e6f-8b21-0c7d5e9f1a23a1b2c3d4e5f64789abcdef0123456789aaaaaaaa00000000",
  })
  void malformedStringsAreRefused(String candidate) {
    assertThat(ApiTokenFormat.parse(candidate)).isEmpty();
    assertThat(ApiTokenFormat.isWellFormed(candidate)).isFalse();
  }

  @Test
  void nullIsMalformed() {
    assertThat(ApiTokenFormat.parse(null)).isEmpty();
  }

  @Test
  void aContractValidTokenWithAnotherPayloadLayoutIsWellFormedButNotOurs() {
    String body = "gatehouse_pat_" + "Z".repeat(60);
    String token = body + ApiTokenFormat.checksum(body);

    assertThat(token).matches(CONTRACT_SHAPE);
    assertThat(ApiTokenFormat.isWellFormed(token)).isTrue();
    assertThat(ApiTokenFormat.parse(token)).isEmpty();
  }

  @Test
  void payloadsOutsideTheContractLengthsAreRefusedEvenWithAValidChecksum() {
    for (int length : new int[] {39, 121}) {
      String body = "gatehouse_pat_" + "a".repeat(length);
      assertThat(ApiTokenFormat.isWellFormed(body + ApiTokenFormat.checksum(body))).as("length %d", length).isFalse();
    }
    for (int length : new int[] {40, 120}) {
      String body = "gatehouse_pat_" + "a".repeat(length);
      assertThat(ApiTokenFormat.isWellFormed(body + ApiTokenFormat.checksum(body))).as("length %d", length).isTrue();
    }
  }

  @Test
  void onlyCanonicalUuidIdsCanBeEncoded() {
    assertThat(ApiTokenFormat.isEncodableId(UUID.randomUUID().toString())).isTrue();
    assertThat(ApiTokenFormat.isEncodableId("f:ldap-provider:carol")).isFalse();
    assertThat(ApiTokenFormat.isEncodableId(USER.toUpperCase())).isFalse();
    assertThat(ApiTokenFormat.isEncodableId(null)).isFalse();
    assertThatThrownBy(() -> ApiTokenFormat.compose("f:ldap:carol", CREDENTIAL, RANDOM))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UUID");
  }
}
