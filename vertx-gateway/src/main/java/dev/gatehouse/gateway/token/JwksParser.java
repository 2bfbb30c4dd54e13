package dev.gatehouse.gateway.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a JWKS document (RFC 7517) into verification keys. Pure. Nimbus JOSE+JWT reads the JSON and each JWK (key
 * material, EC point on its curve, an {@code x5c} certificate matching the key, {@code use}/{@code key_ops}
 * consistency); this class applies the gateway's policy on top. A key is kept only when it is meant for signatures
 * ({@code use} absent or {@code sig}; {@code key_ops}, if present, includes {@code verify}), has a {@code kid}, and
 * fits an allowed algorithm; every other key is skipped with a reason for the log.
 *
 * <p>Keys are read one by one rather than with {@code JWKSet.parse}, which refuses the whole set when one key is
 * unreadable: one odd key in the issuer's JWKS must not stop the gateway from picking up a rotated signing key.
 */
public final class JwksParser {

  /** The usable keys (possibly none) and one line per skipped key. */
  public record Result(List<SigningKey> keys, List<String> skipped) {}

  private final Set<SignatureAlgorithm> allowed;

  public JwksParser(Set<SignatureAlgorithm> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  /** Throws {@link IllegalArgumentException} when the document is not a JWKS at all. */
  public Result parse(byte[] document) {
    List<Object> keys;
    try {
      keys = JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(new String(document, StandardCharsets.UTF_8)), "keys");
    } catch (ParseException e) {
      keys = null;
    }
    if (keys == null) {
      throw new IllegalArgumentException("The JWKS document is not a JSON object with a \"keys\" array");
    }
    List<SigningKey> usable = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Set<String> seenKids = new HashSet<>();
    for (Object entry : keys) {
      String kid = entry instanceof Map<?, ?> member && member.get("kid") instanceof String text ? text : null;
      String label = "key '" + (kid == null ? "(no kid)" : kid) + "'";
      try {
        SigningKey key = toSigningKey(entry, kid);
        if (!seenKids.add(kid)) {
          skipped.add(label + ": a second key with the same kid");
        } else {
          usable.add(key);
        }
      } catch (SkipKey skip) {
        skipped.add(label + ": " + skip.getMessage());
      }
    }
    return new Result(List.copyOf(usable), List.copyOf(skipped));
  }

  public Result parse(String document) {
    return parse(document.getBytes(StandardCharsets.UTF_8));
  }

  private SigningKey toSigningKey(Object entry, String kid) throws SkipKey {
    if (!(entry instanceof Map<?, ?>)) {
      throw new SkipKey("not a JSON object");
    }
    if (kid == null || kid.isEmpty()) {
      throw new SkipKey("no kid, so no token could select it");
    }
    @SuppressWarnings("unchecked")
    JWK jwk = parseJwk((Map<String, Object>) entry);
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      throw new SkipKey("use is '" + jwk.getKeyUse().identifier() + "', not 'sig'");
    }
    if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
      throw new SkipKey("key_ops does not include 'verify'");
    }
    String kty = jwk.getKeyType().getValue();
    SignatureAlgorithm algorithm = null;
    if (jwk.getAlgorithm() != null) {
      String algName = jwk.getAlgorithm().getName();
      Optional<SignatureAlgorithm> known = SignatureAlgorithm.fromJoseName(algName);
      if (known.isEmpty() || !allowed.contains(known.get())) {
        throw new SkipKey("algorithm '" + algName + "' is not on the allow-list " + allowed);
      }
      algorithm = known.get();
      if (!algorithm.keyType().equals(kty)) {
        throw new SkipKey("algorithm " + algName + " needs kty " + algorithm.keyType() + ", not " + kty);
      }
    } else if (allowed.stream().noneMatch(a -> a.keyType().equals(kty))) {
      throw new SkipKey("kty '" + kty + "' fits no allowed algorithm " + allowed);
    }
    PublicKey publicKey = publicKey(jwk);
    boolean fitsSomething = algorithm != null
        ? algorithm.fits(publicKey)
        : allowed.stream().anyMatch(a -> a.fits(publicKey));
    if (!fitsSomething) {
      throw new SkipKey("too weak or wrong curve for the allowed algorithms (RSA needs 2048 bits, EC needs P-256)");
    }
    return new SigningKey(kid, algorithm, publicKey);
  }

  private static JWK parseJwk(Map<String, Object> member) throws SkipKey {
    try {
      return JWK.parse(member);
    } catch (ParseException | RuntimeException e) {
      // Nimbus's messages name the member at fault ("The modulus value must not be null", "Invalid JWK operation").
      throw new SkipKey("unreadable: " + e.getMessage());
    }
  }

  private static PublicKey publicKey(JWK jwk) throws SkipKey {
    try {
      if (jwk instanceof RSAKey rsa) {
        return rsa.toRSAPublicKey();
      }
      if (jwk instanceof ECKey ec) {
        if (!Curve.P_256.equals(ec.getCurve())) {
          throw new SkipKey("curve '" + ec.getCurve() + "' is not P-256");
        }
        return ec.toECPublicKey();
      }
    } catch (JOSEException | RuntimeException e) {
      throw new SkipKey("its key material is invalid");
    }
    throw new SkipKey("kty '" + jwk.getKeyType() + "' is not supported");
  }

  private static final class SkipKey extends Exception {
    SkipKey(String message) {
      super(message, null, false, false);
    }
  }
}
