package dev.gatehouse.gateway.login;

/** A failure talking to the OpenID provider, classified so that handlers answer the right status. */
public final class OidcException extends RuntimeException {

  public enum Kind {
    /** Keycloak could not be reached, timed out, or answered 5xx: 502. */
    UNREACHABLE,
    /** Keycloak refused the grant (used or expired code, revoked refresh token): the user must log in again. */
    GRANT_REFUSED,
    /** Keycloak answered something unusable (bad discovery, no or bad ID token, our client refused): 502. */
    BAD_RESPONSE
  }

  private final Kind kind;

  public OidcException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
