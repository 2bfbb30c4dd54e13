package dev.gatehouse.it.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Tokens an attacker could make: built from real ones, signed with the wrong thing or not at all. */
final class ForgedTokens {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** The realm's RS256 signing key as published in its JWKS. */
  record PublishedKey(String kid, RSAPublicKey key) {
    String pem() {
      return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }
  }

  private final KeyPair attackerKey;

  ForgedTokens() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      attackerKey = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static PublishedKey publishedKey(String issuer) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(issuer + "/protocol/openid-connect/certs")).build(), HttpResponse.BodyHandlers.ofString());
      for (JsonNode key : JSON.readTree(response.body()).path("keys")) {
        if ("sig".equals(key.path("use").asText()) && "RS256".equals(key.path("alg").asText())) {
          RSAPublicKey rsa = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
              new BigInteger(1, B64D.decode(key.path("n").asText())),
              new BigInteger(1, B64D.decode(key.path("e").asText()))));
          return new PublishedKey(key.path("kid").asText(), rsa);
        }
      }
      throw new IllegalStateException("No RS256 signing key in the JWKS of " + issuer + ": " + response.body());
    } catch (Exception e) {
      throw new IllegalStateException("Cannot read the JWKS of " + issuer, e);
    }
  }

  static String header(String token) {
    return new String(B64D.decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
  }

  static ObjectNode payload(String token) {
    try {
      return (ObjectNode) JSON.readTree(B64D.decode(token.split("\\.")[1]));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static String unsigned(String headerJson, JsonNode payload) {
    return encode(headerJson) + "." + encode(payload.toString()) + ".";
  }

  static String hmacSigned(String headerJson, JsonNode payload, byte[] secret) {
    String input = encode(headerJson) + "." + encode(payload.toString());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RS256 signed with a key the realm never published. */
  String attackerSigned(String headerJson, JsonNode payload) {
    String input = encode(headerJson) + "." + encode(payload.toString());
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(attackerKey.getPrivate());
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The attacker's public key as an embedded JWK header value. */
  String attackerJwk() {
    RSAPublicKey key = (RSAPublicKey) attackerKey.getPublic();
    return "{\"kty\":\"RSA\",\"n\":\"" + B64.encodeToString(unsigned(key.getModulus())) + "\",\"e\":\""
        + B64.encodeToString(unsigned(key.getPublicExponent())) + "\"}";
  }

  /** The real header and signature around an edited payload. */
  static String withPayload(String token, JsonNode payload) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + encode(payload.toString()) + "." + parts[2];
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  private static String encode(String text) {
    return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
