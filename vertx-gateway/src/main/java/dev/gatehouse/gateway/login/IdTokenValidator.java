package dev.gatehouse.gateway.login;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.gateway.token.JwksParser;
import dev.gatehouse.gateway.token.SignatureAlgorithm;
import dev.gatehouse.gateway.token.SigningKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/**
 * Checks the ID token of a code exchange (OIDC Core 3.1.3.7): RS256 signature by a key of the provider's JWKS, issuer,
 * audience, authorized party, expiry, {@code typ} and, above all, the {@code nonce} we put in the login state. The
 * algorithm is pinned here rather than read from the token, so {@code none} and HMAC tricks never reach a verifier.
 * Nimbus JOSE+JWT parses the token and checks the signature (refusing any {@code crit} header); the keys are read
 * with the access-token verifier's {@link JwksParser}, so both apply one key policy ({@code use sig}, 2048-bit RSA).
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
    if (idToken.length() > MAX_TOKEN_LENGTH) {
      throw bad("the ID token is not a compact JWS");
    }
    JWT parsed;
    try {
      parsed = JWTParser.parse(idToken);
    } catch (ParseException e) {
      throw bad("the ID token is not a compact JWS");
    }
    if (!(parsed instanceof SignedJWT signed) || !JWSAlgorithm.RS256.equals(signed.getHeader().getAlgorithm())) {
      throw bad("the ID token is signed with " + parsed.getHeader().getAlgorithm()
          + ": set the client's ID token signature algorithm to RS256 in Keycloak");
    }
    SigningKey key = findRsaKey(jwks, signed.getHeader().getKeyID());
    if (!verifies(signed, key)) {
      throw bad("the ID token's signature does not verify");
    }
    JsonObject claims = decodeJson(signed.getPayload().toString());
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
    try {
      return decodeJson(JOSEObject.split(jwt)[1].decodeToString());
    } catch (ParseException | OidcException e) {
      return new JsonObject();
    }
  }

  private static SigningKey findRsaKey(JsonArray jwks, String kid) {
    List<SigningKey> keys = new JwksParser(EnumSet.of(SignatureAlgorithm.RS256))
        .parse(new JsonObject().put("keys", jwks).encode()).keys();
    return keys.stream()
        .filter(key -> kid == null || kid.equals(key.kid()))
        .findFirst()
        .orElseThrow(() -> bad("no RSA signing key with kid '" + kid + "' in the provider's JWKS"));
  }

  private static boolean verifies(SignedJWT token, SigningKey key) {
    try {
      return token.verify(new RSASSAVerifier((RSAPublicKey) key.publicKey()));
    } catch (JOSEException | RuntimeException e) {
      return false;
    }
  }

  private static JsonObject decodeJson(String json) {
    try {
      return new JsonObject(json);
    } catch (RuntimeException e) {
      throw bad("the ID token has a part that is not base64url JSON");
    }
  }

  private static OidcException bad(String message) {
    return new OidcException(OidcException.Kind.BAD_RESPONSE, message);
  }
}
