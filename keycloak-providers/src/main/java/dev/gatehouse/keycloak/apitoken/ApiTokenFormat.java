package dev.gatehouse.keycloak.apitoken;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The API token string: {@code gatehouse_pat_} + payload + CRC32 checksum (8 lowercase hex chars over everything
 * before it). The prefix and checksum let secret scanners find leaked tokens with few false positives; both sides of
 * the contract check them before any lookup.
 * <p>
 * The payload is ours: the owner's user id and the credential id as 32 hex chars each (so resolution reads exactly
 * one stored credential instead of hashing against every token), then {@value #SECRET_LENGTH} random base62 chars
 * (256 bits) of secret. The stored hash covers the whole payload, so the ids cannot be swapped between tokens.
 */
public final class ApiTokenFormat {
  public static final String PREFIX = "gatehouse_pat_";
  static final int SECRET_LENGTH = 43;
  static final int PAYLOAD_LENGTH = 32 + 32 + SECRET_LENGTH;

  private static final Pattern CONTRACT_SHAPE = Pattern.compile(PREFIX + "([A-Za-z0-9]{40,120})([0-9a-f]{8})");
  private static final Pattern OUR_PAYLOAD = Pattern.compile("([0-9a-f]{32})([0-9a-f]{32})[A-Za-z0-9]{" + SECRET_LENGTH + "}");
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  /** Which stored credential a token names, and the payload its hash was computed over. */
  public record ParsedToken(String userId, String credentialId, String payload) {}

  private ApiTokenFormat() {}

  /** A fresh token for that credential. Both ids must be canonical UUIDs (see {@link #isEncodableId}). */
  public static String compose(String userId, String credentialId, SecureRandom random) {
    if (!isEncodableId(userId) || !isEncodableId(credentialId)) {
      throw new IllegalArgumentException("API tokens need UUID user and credential ids, got '" + userId + "' and '"
          + credentialId + "'");
    }
    StringBuilder payload = new StringBuilder(PAYLOAD_LENGTH)
        .append(userId.replace("-", ""))
        .append(credentialId.replace("-", ""));
    for (int i = 0; i < SECRET_LENGTH; i++) {
      payload.append(BASE62.charAt(random.nextInt(BASE62.length())));
    }
    String body = PREFIX + payload;
    return body + checksum(body);
  }

  /**
   * Users stored outside Keycloak's database (user federation) may have ids that are not UUIDs; their ids do not fit
   * the fixed-width payload.
   */
  public static boolean isEncodableId(String id) {
    try {
      return id != null && UUID.fromString(id).toString().equals(id);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The contract's check, shared with the gateway: prefix, payload alphabet and length, checksum. */
  public static boolean isWellFormed(String token) {
    return contractPayload(token).isPresent();
  }

  /** Parses a token this side issued; empty when malformed (by the contract or by our payload layout). */
  public static Optional<ParsedToken> parse(String token) {
    return contractPayload(token).flatMap(payload -> {
      Matcher ours = OUR_PAYLOAD.matcher(payload);
      if (!ours.matches()) {
        return Optional.empty();
      }
      return Optional.of(new ParsedToken(uuid(ours.group(1)), uuid(ours.group(2)), payload));
    });
  }

  static String checksum(String prefixAndPayload) {
    CRC32 crc = new CRC32();
    crc.update(prefixAndPayload.getBytes(StandardCharsets.UTF_8));
    return String.format("%08x", crc.getValue());
  }

  private static Optional<String> contractPayload(String token) {
    if (token == null) {
      return Optional.empty();
    }
    Matcher matcher = CONTRACT_SHAPE.matcher(token);
    if (!matcher.matches() || !checksum(PREFIX + matcher.group(1)).equals(matcher.group(2))) {
      return Optional.empty();
    }
    return Optional.of(matcher.group(1));
  }

  private static String uuid(String hex32) {
    return hex32.substring(0, 8) + "-" + hex32.substring(8, 12) + "-" + hex32.substring(12, 16) + "-"
        + hex32.substring(16, 20) + "-" + hex32.substring(20);
  }
}
