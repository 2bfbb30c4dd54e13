package dev.gatehouse.gateway.token;

/** A token that failed verification. The reason feeds metrics; the message is safe to return to the caller. */
public final class TokenRejectedException extends RuntimeException {

  public enum Reason { MALFORMED, TOO_LARGE, BAD_ALGORITHM, UNKNOWN_KEY, BAD_SIGNATURE, EXPIRED, NOT_YET_VALID,
    MISSING_EXP, WRONG_ISSUER, WRONG_AUDIENCE, WRONG_TYPE,
    /** The header lists {@code crit} extensions; none are understood, so RFC 7515 §4.1.11 says reject. */
    CRITICAL_HEADER,
    /** {@code azp} is not one of the configured authorized parties. */
    WRONG_AUTHORIZED_PARTY,
    /** A claim the gateway relies on has the wrong JSON type (e.g. {@code permissions} not an array of strings). */
    INVALID_CLAIM,
    /** An API token of the wrong shape or with a bad checksum (refused without asking Keycloak). */
    API_TOKEN_MALFORMED,
    /** Keycloak refused the API token: unknown, revoked, expired, or its owner disabled. */
    API_TOKEN_REFUSED }

  private final Reason reason;

  public TokenRejectedException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
