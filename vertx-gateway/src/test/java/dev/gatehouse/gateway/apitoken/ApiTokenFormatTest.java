package dev.gatehouse.gateway.apitoken;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiTokenFormatTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** A well-formed token with a random payload of {@code length} characters. */
  static String randomToken(int length) {
    StringBuilder payload = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      payload.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return ApiTokenFormat.withChecksum(payload.toString());
  }

  static String randomToken() {
    return randomToken(48);
  }

  @Test
  void acceptsTheContractsShapeAtBothPayloadLengthLimits() {
    assertThat(ApiTokenFormat.isWellFormed(randomToken(40))).isTrue();
    assertThat(ApiTokenFormat.isWellFormed(randomToken(120))).isTrue();
    assertThat(randomToken(120)).hasSize(ApiTokenFormat.MAX_LENGTH);
  }

  @Test
  void checksumIsTheCrc32OfPrefixAndPayloadInLowercaseHex() {
    String payload = "a".repeat(40);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(("gatehouse_pat_" + payload).getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(ApiTokenFormat.withChecksum(payload))
        .isEqualTo("gatehouse_pat_" + payload + String.format("%08x", crc.getValue()));
  }

  @Test
  void refusesPayloadsOfTheWrongLength() {
    assertThat(ApiTokenFormat.isWellFormed(randomToken(39))).isFalse();
    assertThat(ApiTokenFormat.isWellFormed(randomToken(121))).isFalse();
    assertThat(ApiTokenFormat.isWellFormed("gatehouse_pat_")).isFalse();
  }

  @Test
  void refusesAnyChangedCharacterThroughTheChecksum() {
    String token = randomToken();
    for (int i = ApiTokenFormat.PREFIX.length(); i < token.length(); i++) {
      char original = token.charAt(i);
      char changed = original == '0' ? '1' : '0';
      String tampered = token.substring(0, i) + changed + token.substring(i + 1);
      assertThat(ApiTokenFormat.isWellFormed(tampered)).as("changed at %d", i).isFalse();
    }
  }

  @Test
  void refusesUppercaseChecksumDigits() {
    String token = ApiTokenFormat.withChecksum("b".repeat(40));
    String upper = token.substring(0, token.length() - 8) + token.substring(token.length() - 8).toUpperCase();

    assertThat(upper).isNotEqualTo(token); // the CRC of this payload has a letter in it
    assertThat(ApiTokenFormat.isWellFormed(upper)).isFalse();
  }

  @Test
  void refusesNonAsciiDigitsThatJavaWouldReadAsHex() {
    String token = ApiTokenFormat.withChecksum("c".repeat(40));
    StringBuilder lookalike = new StringBuilder(token);
    for (int i = token.length() - 8; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c >= '0' && c <= '9') {
        lookalike.setCharAt(i, (char) ('\u0660' + (c - '0'))); // Arabic-Indic digit of the same value
      }
    }

    assertThat(lookalike.toString()).isNotEqualTo(token);
    assertThat(ApiTokenFormat.isWellFormed(lookalike.toString())).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"gatehouse_pat_aaaaaaaaaaaaaaaaaaaa-aaaaaaaaaaaaaaaaaaaaaaa00000000",
      "gatehouse_pat_aaaaaaaaaaaaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaa00000000",
      "Gatehouse_pat_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa00000000",
      "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"})
  void refusesForeignCharactersAndOtherTokens(String token) {
    assertThat(ApiTokenFormat.isWellFormed(token)).isFalse();
  }

  @Test
  void onlyThePrefixMarksAnApiToken() {
    assertThat(ApiTokenFormat.hasPrefix("gatehouse_pat_x")).isTrue();
    assertThat(ApiTokenFormat.hasPrefix("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")).isFalse();
  }
}
