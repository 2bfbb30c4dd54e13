package dev.gatehouse.gateway.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;

/**
 * One verification key from the issuer's JWKS. {@code algorithm} is the JWK's {@code alg}; when the JWK named
 * none, the key serves every allowed algorithm its key type fits (never across key types). Immutable and
 * thread-safe: the Nimbus verifier is built once per key and takes a fresh {@code Signature} per check.
 */
public final class SigningKey {

  private final String kid;
  private final SignatureAlgorithm algorithm;
  private final PublicKey publicKey;
  private final JWSVerifier verifier;

  public SigningKey(String kid, SignatureAlgorithm algorithm, PublicKey publicKey) {
    this.kid = Objects.requireNonNull(kid, "kid");
    this.algorithm = algorithm;
    this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    this.verifier = verifierFor(publicKey);
  }

  public String kid() {
    return kid;
  }

  /** The JWK's {@code alg}, or null when it named none. */
  public SignatureAlgorithm algorithm() {
    return algorithm;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  public boolean accepts(SignatureAlgorithm tokenAlgorithm) {
    return (algorithm == null || algorithm == tokenAlgorithm) && tokenAlgorithm.fits(publicKey);
  }

  /**
   * Checks a JWS signature over {@code signingInput} (the ASCII of the first two compact parts) with Nimbus. Never
   * throws: a key that does not fit the algorithm, or any error inside the check, is a failed check.
   */
  boolean verifies(SignatureAlgorithm tokenAlgorithm, byte[] signingInput, Base64URL signature) {
    if (!accepts(tokenAlgorithm)) {
      return false;
    }
    try {
      return verifier.verify(tokenAlgorithm.verificationHeader(), signingInput, signature);
    } catch (JOSEException | RuntimeException e) {
      return false;
    }
  }

  private static JWSVerifier verifierFor(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return new RSASSAVerifier(rsa);
    }
    if (key instanceof ECPublicKey ec) {
      try {
        return new ECDSAVerifier(ec);
      } catch (JOSEException e) {
        throw new IllegalArgumentException("EC key on an unsupported curve", e);
      }
    }
    throw new IllegalArgumentException("Only RSA and EC public keys can verify signatures, not " + key.getAlgorithm());
  }

  @Override
  public String toString() {
    return "SigningKey[kid=" + kid + ", algorithm=" + algorithm + ", type=" + publicKey.getAlgorithm() + "]";
  }
}
