package dev.gatehouse.gateway.credential;

/**
 * What a request presented as its credential. Exactly one of three outcomes, so the HTTP layer cannot forget one:
 * <ul>
 *   <li>{@link Found}: one token, from one place;</li>
 *   <li>{@link Missing}: no credential at all. Answer 401 with a bare {@code WWW-Authenticate: Bearer}
 *       (RFC 6750 §3.1: no error code when the client sent no authentication);</li>
 *   <li>{@link Invalid}: something was sent, but not one unambiguous Bearer token. See {@link Problem} for the
 *       recommended status.</li>
 * </ul>
 */
public sealed interface CredentialResult {

  record Found(Credential credential) implements CredentialResult {}

  record Missing() implements CredentialResult {}

  /** {@code message} is short and safe to return to the caller: it never contains the token. */
  record Invalid(Problem problem, String message) implements CredentialResult {}

  /** Why a presented credential was refused, with the answer RFC 6750 §3.1 recommends. */
  enum Problem {
    /** A scheme other than Bearer (e.g. Basic): the client used a method this gateway does not support. */
    UNSUPPORTED_SCHEME(401, null),
    /** {@code Authorization: Bearer} with no token, several values, or characters outside token68. */
    MALFORMED_AUTHORIZATION(400, "invalid_request"),
    /** A {@code jwt-token} cookie that is empty or holds characters no token can contain. */
    MALFORMED_COOKIE(400, "invalid_request"),
    /** More than one {@code Authorization} header. */
    DUPLICATE_AUTHORIZATION(400, "invalid_request"),
    /** More than one token cookie, with different values. */
    DUPLICATE_COOKIE(400, "invalid_request"),
    /** Both the cookie and the header are present and carry different tokens: we refuse to pick one. */
    CONFLICTING_CREDENTIALS(400, "invalid_request");

    private final int status;
    private final String oauthError;

    Problem(int status, String oauthError) {
      this.status = status;
      this.oauthError = oauthError;
    }

    /** The HTTP status to answer with. */
    public int status() {
      return status;
    }

    /** The RFC 6750 {@code error} attribute for {@code WWW-Authenticate}, or null when none should be sent. */
    public String oauthError() {
      return oauthError;
    }
  }
}
