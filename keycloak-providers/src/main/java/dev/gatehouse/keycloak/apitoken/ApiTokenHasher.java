package dev.gatehouse.keycloak.apitoken;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 with a random 128-bit salt per token, compared in constant time.
 * <p>
 * Why this and not a fast hash: only the hash is stored, and a slow salted hash keeps a leaked database useless even
 * if a future payload carried less entropy. Why only {@value #ITERATIONS} iterations (OWASP asks 600,000 for
 * passwords): the secret is 256 random bits, so the work factor is defence in depth, not the protection, and every
 * resolution pays it (about 25 ms on a 2-core machine; the gateway caches resolutions). The algorithm and count are
 * stored with each credential, so they can be raised later without invalidating existing tokens.
 * Keycloak's own {@code PasswordHashProvider.verify} compares with {@code String.equals}, hence this class.
 */
public final class ApiTokenHasher {
  public static final String ALGORITHM = "pbkdf2-sha256";
  public static final int ITERATIONS = 100_000;
  private static final String JCA_ALGORITHM = "PBKDF2WithHmacSHA256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  /** Hashed when no credential matches, so that unknown ids cost as much time as known ones. */
  private static final StoredHash DECOY = new StoredHash(ALGORITHM, ITERATIONS, new byte[SALT_BYTES], new byte[HASH_BITS / 8]);

  /** What is persisted: never the token, only these. */
  public record StoredHash(String algorithm, int iterations, byte[] salt, byte[] hash) {
    public String saltBase64() {
      return Base64.getEncoder().encodeToString(salt);
    }

    public String hashBase64() {
      return Base64.getEncoder().encodeToString(hash);
    }
  }

  private final SecureRandom random;

  public ApiTokenHasher(SecureRandom random) {
    this.random = random;
  }

  public StoredHash hash(String payload) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return new StoredHash(ALGORITHM, ITERATIONS, salt, derive(payload, salt, ITERATIONS));
  }

  public boolean matches(String payload, StoredHash stored) {
    if (!ALGORITHM.equals(stored.algorithm()) || stored.iterations() < 1 || stored.hash().length == 0) {
      return false;
    }
    return MessageDigest.isEqual(derive(payload, stored.salt(), stored.iterations()), stored.hash());
  }

  /** Burns the same time as a real check; the answer is always "no match". */
  public boolean matchesNothing(String payload) {
    matches(payload, DECOY);
    return false;
  }

  private static byte[] derive(String payload, byte[] salt, int iterations) {
    char[] chars = payload.toCharArray();
    PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance(JCA_ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(JCA_ALGORITHM + " is not available in this JVM; API tokens cannot be hashed", e);
    } finally {
      spec.clearPassword();
      Arrays.fill(chars, '\0');
    }
  }
}
