package dev.gatehouse.gateway.token;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Makes key pairs, their JWKs, and signed compact JWTs, the way Keycloak would. Test-only. */
final class TestSigner {

  final String kid;
  final KeyPair keyPair;

  private TestSigner(String kid, KeyPair keyPair) {
    this.kid = kid;
    this.keyPair = keyPair;
  }

  static TestSigner rsa(String kid) {
    return rsa(kid, 2048);
  }

  static TestSigner rsa(String kid, int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return new TestSigner(kid, generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static TestSigner ec(String kid) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return new TestSigner(kid, generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public JWK as Keycloak publishes it; {@code alg} may be null to leave it out. */
  JsonObject jwk(String alg, String use) {
    JsonObject jwk = new JsonObject().put("kid", kid);
    if (alg != null) {
      jwk.put("alg", alg);
    }
    if (use != null) {
      jwk.put("use", use);
    }
    if (keyPair.getPublic() instanceof RSAPublicKey rsa) {
      jwk.put("kty", "RSA").put("n", b64(unsigned(rsa.getModulus()))).put("e", b64(unsigned(rsa.getPublicExponent())));
    } else {
      ECPublicKey ec = (ECPublicKey) keyPair.getPublic();
      jwk.put("kty", "EC").put("crv", "P-256")
          .put("x", b64(fixed(ec.getW().getAffineX(), 32))).put("y", b64(fixed(ec.getW().getAffineY(), 32)));
    }
    return jwk;
  }

  JsonObject jwk() {
    return jwk(keyPair.getPublic() instanceof RSAPublicKey ? "RS256" : "ES256", "sig");
  }

  String sign(String alg, JsonObject claims) {
    return sign(new JsonObject().put("alg", alg).put("typ", "JWT").put("kid", kid), claims);
  }

  String sign(JsonObject header, JsonObject claims) {
    return signRaw(header.encode(), claims.encode());
  }

  String signRaw(String headerJson, String claimsJson) {
    String alg = new JsonObject(headerJson).getString("alg");
    String input = b64(headerJson.getBytes(StandardCharsets.UTF_8)) + "." + b64(claimsJson.getBytes(StandardCharsets.UTF_8));
    try {
      Signature signature = switch (alg) {
        case "PS256" -> {
          Signature pss = Signature.getInstance("RSASSA-PSS");
          pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
          yield pss;
        }
        case "ES256" -> Signature.getInstance("SHA256withECDSAinP1363Format");
        default -> Signature.getInstance("SHA256withRSA");
      };
      signature.initSign(keyPair.getPrivate());
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An HMAC-signed token: the classic attack uses a public key's bytes as the secret. */
  static String hmac(JsonObject header, JsonObject claims, byte[] secret) {
    String input = b64(header.encode().getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 && bytes.length > 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  private static byte[] fixed(BigInteger value, int length) {
    byte[] bytes = unsigned(value);
    byte[] out = new byte[length];
    System.arraycopy(bytes, 0, out, length - bytes.length, bytes.length);
    return out;
  }
}
