package dev.gatehouse.gateway.token;

import java.security.PublicKey;
import java.util.Objects;

/**
 * One verification key from the issuer's JWKS. {@code algorithm} is the JWK's {@code alg}; when the JWK named
 * none, the key serves every allowed algorithm its key type fits (never across key types).
 */
public record SigningKey(String kid, SignatureAlgorithm algorithm, PublicKey publicKey) {
  public SigningKey {
    Objects.requireNonNull(kid, "kid");
    Objects.requireNonNull(publicKey, "publicKey");
  }

  public boolean accepts(SignatureAlgorithm tokenAlgorithm) {
    return (algorithm == null || algorithm == tokenAlgorithm) && tokenAlgorithm.fits(publicKey);
  }
}
