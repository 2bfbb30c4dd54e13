package dev.gatehouse.gateway.token;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a JWKS document (RFC 7517) into verification keys. Pure. A key is kept only when it is meant for
 * signatures ({@code use} absent or {@code sig}; {@code key_ops}, if present, includes {@code verify}), has a
 * {@code kid}, and fits an allowed algorithm; every other key is skipped with a reason for the log.
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
    JsonNode root = Json.object(document);
    JsonNode keys = root == null ? null : root.get("keys");
    if (keys == null || !keys.isArray()) {
      throw new IllegalArgumentException("The JWKS document is not a JSON object with a \"keys\" array");
    }
    List<SigningKey> usable = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Set<String> seenKids = new HashSet<>();
    for (JsonNode jwk : keys) {
      String kid = text(jwk, "kid");
      String label = "key '" + (kid == null ? "(no kid)" : kid) + "'";
      try {
        SigningKey key = toSigningKey(jwk, kid);
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

  private SigningKey toSigningKey(JsonNode jwk, String kid) throws SkipKey {
    if (!jwk.isObject()) {
      throw new SkipKey("not a JSON object");
    }
    if (kid == null || kid.isEmpty()) {
      throw new SkipKey("no kid, so no token could select it");
    }
    JsonNode use = jwk.get("use");
    if (use != null && !"sig".equals(use.asText())) {
      throw new SkipKey("use is '" + use.asText() + "', not 'sig'");
    }
    JsonNode ops = jwk.get("key_ops");
    if (ops != null && !(ops.isArray() && containsText(ops, "verify"))) {
      throw new SkipKey("key_ops does not include 'verify'");
    }
    String kty = text(jwk, "kty");
    String algName = text(jwk, "alg");
    SignatureAlgorithm algorithm = null;
    if (algName != null) {
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
    PublicKey publicKey = publicKey(jwk, kty);
    boolean fitsSomething = algorithm != null
        ? algorithm.fits(publicKey)
        : allowed.stream().anyMatch(a -> a.fits(publicKey));
    if (!fitsSomething) {
      throw new SkipKey("too weak or wrong curve for the allowed algorithms (RSA needs 2048 bits, EC needs P-256)");
    }
    return new SigningKey(kid, algorithm, publicKey);
  }

  private static PublicKey publicKey(JsonNode jwk, String kty) throws SkipKey {
    try {
      if ("RSA".equals(kty)) {
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(number(jwk, "n"), number(jwk, "e")));
      }
      if ("EC".equals(kty)) {
        if (!"P-256".equals(text(jwk, "crv"))) {
          throw new SkipKey("curve '" + text(jwk, "crv") + "' is not P-256");
        }
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
        ECPoint point = new ECPoint(number(jwk, "x"), number(jwk, "y"));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new SkipKey("its key material is invalid");
    }
    throw new SkipKey("kty '" + kty + "' is not supported");
  }

  private static BigInteger number(JsonNode jwk, String member) throws SkipKey {
    String value = text(jwk, member);
    if (value == null || value.isEmpty()) {
      throw new SkipKey("member '" + member + "' is missing");
    }
    return new BigInteger(1, Base64.getUrlDecoder().decode(value));
  }

  private static String text(JsonNode node, String member) {
    JsonNode value = node.get(member);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static boolean containsText(JsonNode array, String wanted) {
    for (JsonNode element : array) {
      if (wanted.equals(element.asText())) {
        return true;
      }
    }
    return false;
  }

  private static final class SkipKey extends Exception {
    SkipKey(String message) {
      super(message, null, false, false);
    }
  }
}
