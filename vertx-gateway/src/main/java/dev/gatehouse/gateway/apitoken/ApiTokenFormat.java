package dev.gatehouse.gateway.apitoken;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The shape of a Gatehouse API token: {@code gatehouse_pat_} + 40..120 characters {@code [A-Za-z0-9]} + 8 lowercase
 * hex digits, the CRC32 of everything before them. The checksum lets the gateway refuse typos and random strings
 * locally, so they never cost a Keycloak call. Pure: no I/O, no allocation beyond the checksum's byte copy.
 */
public final class ApiTokenFormat {
  public static final String PREFIX = "gatehouse_pat_";
  static final int MIN_PAYLOAD = 40;
  static final int MAX_PAYLOAD = 120;
  static final int CHECKSUM_LENGTH = 8;
  /** Longest well-formed token; anything longer is refused before any work. */
  public static final int MAX_LENGTH = PREFIX.length() + MAX_PAYLOAD + CHECKSUM_LENGTH;

  private ApiTokenFormat() {}

  /** Whether the caller meant an API token (as opposed to a JWT): a JWT never starts with this prefix. */
  public static boolean hasPrefix(String token) {
    return token.startsWith(PREFIX);
  }

  /** Prefix, payload alphabet and length, and checksum all right. */
  public static boolean isWellFormed(String token) {
    int length = token.length();
    int payloadLength = length - PREFIX.length() - CHECKSUM_LENGTH;
    if (!hasPrefix(token) || payloadLength < MIN_PAYLOAD || payloadLength > MAX_PAYLOAD) {
      return false;
    }
    int checksumStart = length - CHECKSUM_LENGTH;
    for (int i = PREFIX.length(); i < checksumStart; i++) {
      if (!isAlphanumeric(token.charAt(i))) {
        return false;
      }
    }
    long expected = 0;
    for (int i = checksumStart; i < length; i++) {
      char c = token.charAt(i);
      // Lowercase ASCII hex only: Character.digit would also accept uppercase and non-ASCII digits.
      int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (digit < 0) {
        return false;
      }
      expected = (expected << 4) | digit;
    }
    return checksum(token.substring(0, checksumStart)) == expected;
  }

  /** CRC32 of the UTF-8 bytes of {@code prefixAndPayload}, as the contract defines it. */
  static long checksum(String prefixAndPayload) {
    CRC32 crc = new CRC32();
    crc.update(prefixAndPayload.getBytes(StandardCharsets.US_ASCII));
    return crc.getValue();
  }

  /** A well-formed token around {@code payload} (tests and tools; Keycloak mints the real ones). */
  public static String withChecksum(String payload) {
    String body = PREFIX + payload;
    return body + String.format("%08x", checksum(body));
  }

  private static boolean isAlphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
}
