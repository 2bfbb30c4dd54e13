package dev.gatehouse.gateway.login;

/**
 * A token too large to keep in a browser cookie. Dropping it silently would leave the user "logged in" without a
 * credential, so the login answers with an explicit error instead.
 */
public final class CookieTooLargeException extends RuntimeException {

  private final String cookieName;

  public CookieTooLargeException(String cookieName, int bytes) {
    super("the " + cookieName + " cookie would be " + bytes + " bytes, over the " + SessionCookies.MAX_SET_COOKIE_BYTES
        + " bytes browsers reliably keep: reduce the permissions carried in the token, or use a Bearer token", null,
        false, false);
    this.cookieName = cookieName;
  }

  public String cookieName() {
    return cookieName;
  }
}
