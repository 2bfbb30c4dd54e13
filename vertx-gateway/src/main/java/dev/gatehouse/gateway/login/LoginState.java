package dev.gatehouse.gateway.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * What the gateway must remember between sending the browser to Keycloak and the callback: the {@code state}
 * (CSRF binding of the callback), the {@code nonce} (binding of the ID token), the PKCE verifier and where to go
 * afterwards. It travels in a sealed cookie ({@link LoginStateCodec}), so any gateway instance can finish a login
 * that another one started.
 */
public record LoginState(String state, String nonce, String codeVerifier, String redirectUrl,
                         RedirectTargets.Delivery delivery, long expiresAtEpochSecond) {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  public static LoginState start(RedirectTargets.Allowed target, Instant now, Duration ttl) {
    return new LoginState(randomToken(), randomToken(), randomToken(), target.url(), target.delivery(),
        now.plus(ttl).getEpochSecond());
  }

  /** PKCE S256: BASE64URL(SHA-256(ASCII(code_verifier))), RFC 7636 section 4.2. */
  public String codeChallenge() {
    return B64URL.encodeToString(sha256(codeVerifier.getBytes(StandardCharsets.US_ASCII)));
  }

  public boolean isExpired(Instant now) {
    return now.getEpochSecond() >= expiresAtEpochSecond;
  }

  /** Constant-time comparison of the callback's {@code state} parameter with ours. */
  public boolean stateMatches(String stateParameter) {
    return constantTimeEquals(state, stateParameter);
  }

  /** Constant-time comparison of the ID token's {@code nonce} claim with ours. */
  public boolean nonceMatches(String nonceClaim) {
    return constantTimeEquals(nonce, nonceClaim);
  }

  static boolean constantTimeEquals(String expected, String actual) {
    return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        actual.getBytes(StandardCharsets.UTF_8));
  }

  /** 256 random bits, base64url: also a valid PKCE verifier (43 characters from the unreserved set). */
  static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return B64URL.encodeToString(bytes);
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
