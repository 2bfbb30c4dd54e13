package dev.gatehouse.gateway.token;

import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.EXPIRED;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.INVALID_CLAIM;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.MISSING_EXP;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.NOT_YET_VALID;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.WRONG_AUDIENCE;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.WRONG_AUTHORIZED_PARTY;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.WRONG_ISSUER;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.WRONG_TYPE;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Checks the claims of a token whose signature is already verified, and maps them to {@link VerifiedToken}. Pure.
 *
 * <p>Fails closed on types: a claim the gateway relies on with an unexpected JSON type rejects the token rather than
 * being read as "no value". A missing permissions or roles claim is an empty set (the caller then has no rights).
 *
 * <p>The payload is read with strict Jackson ({@link Json}), not Nimbus's {@code JWTClaimsSet}: Nimbus's JSON refuses
 * duplicate member names only at the top level (a second {@code roles} inside {@code realm_access} silently wins),
 * and its NumericDate reading turns {@code 1e30} into {@code Long.MAX_VALUE} and {@code null} into "absent".
 */
final class ClaimsValidator {

  /** Keycloak's payload {@code typ} for access tokens; ID and refresh tokens say "ID" and "Refresh". */
  static final String ACCESS_TOKEN_TYPE = "Bearer";

  private final TokenVerifierOptions options;
  private final String[] permissionsPath;
  private final String[] rolesPath;

  ClaimsValidator(TokenVerifierOptions options) {
    this.options = options;
    this.permissionsPath = options.getPermissionsClaim().split("\\.");
    this.rolesPath = options.getRolesClaim().split("\\.");
  }

  VerifiedToken validate(byte[] payload, Instant now) {
    JsonNode claims = Json.object(payload);
    if (claims == null) {
      throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, "token payload is not a JSON object");
    }
    long nowSeconds = now.getEpochSecond();
    long skew = options.getClockSkew().toSeconds();

    if (!options.getIssuer().equals(optionalString(claims, "iss"))) {
      throw new TokenRejectedException(WRONG_ISSUER, "token was issued by another issuer");
    }
    if (!ACCESS_TOKEN_TYPE.equals(optionalString(claims, "typ"))) {
      throw new TokenRejectedException(WRONG_TYPE, "token is not an access token");
    }
    if (!claims.has("exp")) {
      throw new TokenRejectedException(MISSING_EXP, "token has no expiry");
    }
    long exp = numericDate(claims, "exp");
    if (nowSeconds >= exp + skew) {
      throw new TokenRejectedException(EXPIRED, "token expired");
    }
    if (claims.has("nbf") && numericDate(claims, "nbf") > nowSeconds + skew) {
      throw new TokenRejectedException(NOT_YET_VALID, "token is not valid yet");
    }
    if (claims.has("iat") && numericDate(claims, "iat") > nowSeconds + skew) {
      throw new TokenRejectedException(NOT_YET_VALID, "token was issued in the future");
    }
    String azp = optionalString(claims, "azp");
    if (!options.getAudiences().isEmpty() && !audienceMatches(claims.get("aud"))) {
      throw new TokenRejectedException(WRONG_AUDIENCE, "token is not meant for this service");
    }
    if (!options.getAuthorizedParties().isEmpty() && (azp == null || !options.getAuthorizedParties().contains(azp))) {
      throw new TokenRejectedException(WRONG_AUTHORIZED_PARTY, "token was issued to a client that is not allowed here");
    }
    String subject = optionalString(claims, "sub");
    if (subject == null || subject.isEmpty()) {
      throw new TokenRejectedException(INVALID_CLAIM, "token has no subject");
    }
    return new VerifiedToken(
        subject,
        optionalString(claims, "preferred_username"),
        optionalString(claims, "email"),
        stringSet(claims, permissionsPath, options.getPermissionsClaim()),
        stringSet(claims, rolesPath, options.getRolesClaim()),
        azp,
        exp,
        optionalString(claims, "api_token_id"),
        optionalString(claims, "sid"),
        claims.has("iat") ? numericDate(claims, "iat") : 0);
  }

  private boolean audienceMatches(JsonNode aud) {
    if (aud == null) {
      return false;
    }
    if (aud.isTextual()) {
      return options.getAudiences().contains(aud.asText());
    }
    if (!aud.isArray()) {
      throw new TokenRejectedException(INVALID_CLAIM, "token 'aud' is neither a string nor an array");
    }
    for (JsonNode entry : aud) {
      if (entry.isTextual() && options.getAudiences().contains(entry.asText())) {
        return true;
      }
    }
    return false;
  }

  /** RFC 7519 NumericDate: a JSON number of seconds. Fractions are truncated; strings and huge values refused. */
  private static long numericDate(JsonNode claims, String name) {
    JsonNode value = claims.get(name);
    if (value == null || !value.isNumber() || !value.canConvertToLong()) {
      throw new TokenRejectedException(INVALID_CLAIM, "token '" + name + "' is not a number");
    }
    return value.asLong();
  }

  private static String optionalString(JsonNode claims, String name) {
    JsonNode value = claims.get(name);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw new TokenRejectedException(INVALID_CLAIM, "token '" + name + "' is not a string");
    }
    return value.asText();
  }

  private static Set<String> stringSet(JsonNode claims, String[] path, String claimName) {
    JsonNode node = claims;
    for (String step : path) {
      if (!node.isObject()) {
        throw new TokenRejectedException(INVALID_CLAIM, "token '" + claimName + "' is not a list of strings");
      }
      node = node.get(step);
      if (node == null) {
        return Set.of();
      }
    }
    if (!node.isArray()) {
      throw new TokenRejectedException(INVALID_CLAIM, "token '" + claimName + "' is not a list of strings");
    }
    Set<String> values = new LinkedHashSet<>();
    for (JsonNode entry : node) {
      if (!entry.isTextual()) {
        throw new TokenRejectedException(INVALID_CLAIM, "token '" + claimName + "' is not a list of strings");
      }
      values.add(entry.asText());
    }
    return values;
  }
}
