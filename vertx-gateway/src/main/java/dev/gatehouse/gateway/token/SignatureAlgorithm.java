package dev.gatehouse.gateway.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;

/**
 * The asymmetric JWS algorithms the gateway can verify (RFC 7518 §3). There is deliberately no {@code none} and no
 * HMAC: a verifier that accepts either can be fooled with a public key or no key at all. The signature checks
 * themselves are Nimbus JOSE+JWT's; this enum is the gateway's policy: which names exist and which keys are strong
 * enough.
 */
public enum SignatureAlgorithm {
  RS256("RSA", JWSAlgorithm.RS256),
  PS256("RSA", JWSAlgorithm.PS256),
  ES256("EC", JWSAlgorithm.ES256);

  private static final int MIN_RSA_BITS = 2048;

  private final String keyType;
  // The verifiers read only alg and crit from the header; a fixed, crit-free header per algorithm keeps the token's
  // other header members (jwk, jku, x5c, ...) from ever being parsed.
  private final JWSHeader verificationHeader;

  SignatureAlgorithm(String keyType, JWSAlgorithm jwsAlgorithm) {
    this.keyType = keyType;
    this.verificationHeader = new JWSHeader(jwsAlgorithm);
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

  JWSHeader verificationHeader() {
    return verificationHeader;
  }
}
