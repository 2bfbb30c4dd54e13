package dev.gatehouse.gateway.token;

/** A token that failed verification. The reason feeds metrics; the message is safe to return to the caller. */
public final class TokenRejectedException extends RuntimeException {

  public enum Reason { MALFORMED, TOO_LARGE, BAD_ALGORITHM, UNKNOWN_KEY, BAD_SIGNATURE, EXPIRED, NOT_YET_VALID,
    MISSING_EXP, WRONG_ISSUER, WRONG_AUDIENCE, WRONG_TYPE }

  private final Reason reason;

  public TokenRejectedException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
