package dev.gatehouse.gateway.login;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a {@link LoginState} into a cookie value with AES-256-GCM, so it is both secret (the PKCE verifier and the
 * target stay private) and authentic (any change is detected). Keys are derived from the configured secrets that all
 * gateway instances share: the first seals, every one opens, which allows rotation without breaking logins in flight.
 */
public final class LoginStateCodec {

  public sealed interface Opened permits Valid, Rejected {}

  public record Valid(LoginState state) implements Opened {}

  public enum Reason { MISSING, MALFORMED, NOT_AUTHENTIC, EXPIRED }

  public record Rejected(Reason reason) implements Opened {}

  private static final String VERSION = "v1.";
  private static final byte[] ASSOCIATED_DATA = "gatehouse login-state v1".getBytes(StandardCharsets.US_ASCII);
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int MAX_COOKIE_VALUE = 3000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final List<SecretKeySpec> keys;
  private final Clock clock;

  public LoginStateCodec(List<String> secrets, Clock clock) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one login-state secret is required");
    }
    this.keys = secrets.stream().map(LoginStateCodec::deriveKey).toList();
    this.clock = clock;
  }

  public String seal(LoginState state) {
    byte[] plain = new JsonObject()
        .put("s", state.state())
        .put("n", state.nonce())
        .put("v", state.codeVerifier())
        .put("r", state.redirectUrl())
        .put("d", state.delivery().name())
        .put("e", state.expiresAtEpochSecond())
        .toBuffer().getBytes();
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(0), new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(ASSOCIATED_DATA);
      byte[] sealed = cipher.doFinal(plain);
      byte[] out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
      return VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  public Opened open(String cookieValue) {
    if (cookieValue == null || cookieValue.isEmpty()) {
      return new Rejected(Reason.MISSING);
    }
    if (!cookieValue.startsWith(VERSION) || cookieValue.length() > MAX_COOKIE_VALUE) {
      return new Rejected(Reason.MALFORMED);
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(cookieValue.substring(VERSION.length()));
    } catch (IllegalArgumentException e) {
      return new Rejected(Reason.MALFORMED);
    }
    if (raw.length <= IV_BYTES + TAG_BITS / 8) {
      return new Rejected(Reason.MALFORMED);
    }
    byte[] plain = null;
    for (SecretKeySpec key : keys) {
      plain = decrypt(key, raw);
      if (plain != null) {
        break;
      }
    }
    if (plain == null) {
      return new Rejected(Reason.NOT_AUTHENTIC);
    }
    LoginState state;
    try {
      JsonObject json = new JsonObject(io.vertx.core.buffer.Buffer.buffer(plain));
      state = new LoginState(json.getString("s"), json.getString("n"), json.getString("v"), json.getString("r"),
          RedirectTargets.Delivery.valueOf(json.getString("d")), json.getLong("e"));
    } catch (DecodeException | ClassCastException | IllegalArgumentException | NullPointerException e) {
      // Authentic but unreadable: only a gateway of another version could have written it.
      return new Rejected(Reason.MALFORMED);
    }
    if (state.state() == null || state.nonce() == null || state.codeVerifier() == null || state.redirectUrl() == null) {
      return new Rejected(Reason.MALFORMED);
    }
    return state.isExpired(clock.instant()) ? new Rejected(Reason.EXPIRED) : new Valid(state);
  }

  private static byte[] decrypt(SecretKeySpec key, byte[] raw) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, IV_BYTES));
      cipher.updateAAD(ASSOCIATED_DATA);
      return cipher.doFinal(raw, IV_BYTES, raw.length - IV_BYTES);
    } catch (AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /** One AES key per secret, so that a secret of any length (at least 32 bytes) yields a proper 256-bit key. */
  private static SecretKeySpec deriveKey(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return new SecretKeySpec(mac.doFinal(ASSOCIATED_DATA), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }
}
