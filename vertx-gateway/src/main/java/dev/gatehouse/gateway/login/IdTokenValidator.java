package dev.gatehouse.gateway.login;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;

/**
 * Checks the ID token of a code exchange (OIDC Core 3.1.3.7): RS256 signature by a key of the provider's JWKS, issuer,
 * audience, authorized party, expiry, {@code typ} and, above all, the {@code nonce} we put in the login state. The
 * algorithm is pinned here rather than read from the token, so {@code none} and HMAC tricks never reach a verifier.
 */
public final class IdTokenValidator {

  static final int MAX_TOKEN_LENGTH = 16_384;
  private static final long CLOCK_SKEW_SECONDS = 30;

  private final String issuer;
  private final String clientId;

  public IdTokenValidator(String issuer, String clientId) {
    this.issuer = issuer;
    this.clientId = clientId;
  }

  /** Returns the verified claims, or throws {@link OidcException} (BAD_RESPONSE) saying what was wrong. */
  public JsonObject validate(String idToken, JsonArray jwks, LoginState state, Instant now) {
    if (idToken == null) {
      throw bad("Keycloak returned no ID token: the login scope must include 'openid'");
    }
    String[] parts = idToken.split("\\.", -1);
    if (idToken.length() > MAX_TOKEN_LENGTH || parts.length != 3) {
      throw bad("the ID token is not a compact JWS");
    }
    JsonObject header = decodeJson(parts[0]);
    JsonObject claims = decodeJson(parts[1]);
    if (!"RS256".equals(header.getValue("alg"))) {
      throw bad("the ID token is signed with " + header.getValue("alg")
          + ": set the client's ID token signature algorithm to RS256 in Keycloak");
    }
    PublicKey key = findRsaKey(jwks, header.getValue("kid"));
    if (!verifies(key, (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), decode(parts[2]))) {
      throw bad("the ID token's signature does not verify");
    }
    if (!issuer.equals(claims.getValue("iss"))) {
      throw bad("the ID token's issuer '" + claims.getValue("iss") + "' is not " + issuer);
    }
    Object aud = claims.getValue("aud");
    boolean audienceOk = clientId.equals(aud) || (aud instanceof JsonArray list && list.contains(clientId));
    if (!audienceOk) {
      throw bad("the ID token is not meant for client " + clientId);
    }
    Object azp = claims.getValue("azp");
    if (azp != null && !clientId.equals(azp)) {
      throw bad("the ID token was issued to another client (azp)");
    }
    if (claims.getValue("typ") != null && !"ID".equals(claims.getValue("typ"))) {
      throw bad("the token in id_token is not an ID token (typ " + claims.getValue("typ") + ")");
    }
    if (!(claims.getValue("exp") instanceof Number exp) || exp.longValue() + CLOCK_SKEW_SECONDS <= now.getEpochSecond()) {
      throw bad("the ID token has no numeric exp or has expired");
    }
    Object nonce = claims.getValue("nonce");
    if (!(nonce instanceof String value) || !state.nonceMatches(value)) {
      // Not a provider fault: someone injected a code from another login into this browser's callback.
      throw new OidcException(OidcException.Kind.GRANT_REFUSED,
          "the ID token's nonce does not match this login: start again at /auth/login");
    }
    return claims;
  }

  /** Reads the claims of a token without checking it: only for values the gateway itself just received. */
  static JsonObject unverifiedClaims(String jwt) {
    String[] parts = jwt.split("\\.", -1);
    return parts.length == 3 ? decodeJson(parts[1]) : new JsonObject();
  }

  private static PublicKey findRsaKey(JsonArray jwks, Object kid) {
    for (Object entry : jwks) {
      if (entry instanceof JsonObject jwk && "RSA".equals(jwk.getString("kty"))
          && (jwk.getValue("use") == null || "sig".equals(jwk.getValue("use")))
          && (kid == null || kid.equals(jwk.getValue("kid")))) {
        try {
          BigInteger n = new BigInteger(1, decode(jwk.getString("n")));
          BigInteger e = new BigInteger(1, decode(jwk.getString("e")));
          return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        } catch (GeneralSecurityException | RuntimeException ex) {
          throw bad("the provider's JWKS holds an unreadable RSA key");
        }
      }
    }
    throw bad("no RSA signing key with kid '" + kid + "' in the provider's JWKS");
  }

  private static boolean verifies(PublicKey key, byte[] signedContent, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(key);
      verifier.update(signedContent);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static JsonObject decodeJson(String part) {
    try {
      return new JsonObject(new String(decode(part), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw bad("the ID token has a part that is not base64url JSON");
    }
  }

  private static byte[] decode(String base64url) {
    try {
      return Base64.getUrlDecoder().decode(base64url);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw bad("the ID token or JWKS holds invalid base64url");
    }
  }

  private static OidcException bad(String message) {
    return new OidcException(OidcException.Kind.BAD_RESPONSE, message);
  }
}
