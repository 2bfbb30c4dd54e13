package dev.gatehouse.gateway.token;

import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.BAD_ALGORITHM;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.CRITICAL_HEADER;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.MALFORMED;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.TOO_LARGE;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * A JWS in compact form whose structure and header passed the checks that need no key: size, three base64url
 * segments, a JSON header with an allowed {@code alg}, a {@code kid}, and no {@code crit}. Pure.
 *
 * <p>Header members that point at other keys ({@code jwk}, {@code jku}, {@code x5c}, {@code x5u}) are never read:
 * keys come only from the issuer's JWKS.
 */
record CompactJwt(SignatureAlgorithm algorithm, String kid, byte[] signingInput, String payloadSegment, byte[] signature) {

  static CompactJwt parse(String token, int maxTokenBytes, Set<SignatureAlgorithm> allowed) {
    if (token == null || token.isEmpty()) {
      throw new TokenRejectedException(MALFORMED, "token is empty");
    }
    if (token.length() > maxTokenBytes) {
      throw new TokenRejectedException(TOO_LARGE, "token is too large");
    }
    int firstDot = token.indexOf('.');
    int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
    if (secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
      throw new TokenRejectedException(MALFORMED, "token is not a signed JWT (expected three parts)");
    }
    String headerSegment = token.substring(0, firstDot);
    String payloadSegment = token.substring(firstDot + 1, secondDot);
    String signatureSegment = token.substring(secondDot + 1);

    JsonNode header = Json.object(decode(headerSegment));
    if (header == null) {
      throw new TokenRejectedException(MALFORMED, "token header is not a JSON object");
    }
    JsonNode alg = header.get("alg");
    SignatureAlgorithm algorithm = alg != null && alg.isTextual()
        ? SignatureAlgorithm.fromJoseName(alg.asText()).filter(allowed::contains).orElse(null)
        : null;
    if (algorithm == null) {
      throw new TokenRejectedException(BAD_ALGORITHM, "token algorithm is not accepted");
    }
    if (header.has("crit")) {
      throw new TokenRejectedException(CRITICAL_HEADER, "token uses critical header extensions, which are not supported");
    }
    JsonNode kid = header.get("kid");
    if (kid == null || !kid.isTextual() || kid.asText().isEmpty()) {
      throw new TokenRejectedException(MALFORMED, "token header has no key id (kid)");
    }
    decode(payloadSegment);
    byte[] signature = decode(signatureSegment);
    byte[] signingInput = token.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII);
    return new CompactJwt(algorithm, kid.asText(), signingInput, payloadSegment, signature);
  }

  byte[] payload() {
    return decode(payloadSegment);
  }

  /** Unpadded base64url only (RFC 7515 §2); an empty segment is malformed too. */
  private static byte[] decode(String segment) {
    if (segment.isEmpty()) {
      throw new TokenRejectedException(MALFORMED, "token has an empty part");
    }
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      boolean base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!base64url) {
        throw new TokenRejectedException(MALFORMED, "token is not base64url encoded");
      }
    }
    try {
      return Base64.getUrlDecoder().decode(segment);
    } catch (IllegalArgumentException e) {
      throw new TokenRejectedException(MALFORMED, "token is not base64url encoded");
    }
  }
}
