package dev.gatehouse.gateway.token;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Optional;

/**
 * The asymmetric JWS algorithms the gateway can verify (RFC 7518 §3). There is deliberately no {@code none} and no
 * HMAC: a verifier that accepts either can be fooled with a public key or no key at all.
 */
public enum SignatureAlgorithm {
  RS256("RSA"),
  PS256("RSA"),
  ES256("EC");

  private static final int MIN_RSA_BITS = 2048;
  private static final int ES256_SIGNATURE_BYTES = 64;

  private final String keyType;

  SignatureAlgorithm(String keyType) {
    this.keyType = keyType;
  }

  /** The JWK {@code kty} this algorithm needs. */
  public String keyType() {
    return keyType;
  }

  /** Exact, case-sensitive lookup of a JOSE {@code alg} value ("none", "rs256" and "HS256" all give empty). */
  public static Optional<SignatureAlgorithm> fromJoseName(String name) {
    for (SignatureAlgorithm algorithm : values()) {
      if (algorithm.name().equals(name)) {
        return Optional.of(algorithm);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code key} has the type and strength this algorithm needs. */
  public boolean fits(PublicKey key) {
    return switch (this) {
      case RS256, PS256 -> key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() >= MIN_RSA_BITS;
      case ES256 -> key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256;
    };
  }

  /** Checks a JWS signature over {@code signingInput}. Never throws: any problem is a failed check. */
  public boolean verify(PublicKey key, byte[] signingInput, byte[] signature) {
    if (!fits(key)) {
      return false;
    }
    try {
      Signature verifier = switch (this) {
        case RS256 -> rsaPkcs1(key, signature);
        case PS256 -> rsaPss(key, signature);
        case ES256 -> signature.length == ES256_SIGNATURE_BYTES ? Signature.getInstance("SHA256withECDSAinP1363Format") : null;
      };
      if (verifier == null) {
        return false;
      }
      verifier.initVerify(key);
      verifier.update(signingInput);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  // An RSA signature is exactly as long as the modulus; refusing other lengths avoids provider leniency.
  private static Signature rsaPkcs1(PublicKey key, byte[] signature) throws GeneralSecurityException {
    return hasModulusLength(key, signature) ? Signature.getInstance("SHA256withRSA") : null;
  }

  private static Signature rsaPss(PublicKey key, byte[] signature) throws GeneralSecurityException {
    if (!hasModulusLength(key, signature)) {
      return null;
    }
    Signature pss = Signature.getInstance("RSASSA-PSS");
    pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    return pss;
  }

  private static boolean hasModulusLength(PublicKey key, byte[] signature) {
    return signature.length == (((RSAPublicKey) key).getModulus().bitLength() + 7) / 8;
  }
}
