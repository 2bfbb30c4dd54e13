package dev.gatehouse.gateway.login;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds every {@code Set-Cookie} value the login sets, and the clearing variant of each with the same
 * Domain/Path/Secure/SameSite (a browser only deletes a cookie whose attributes match the one it holds).
 *
 * <ul>
 *   <li>{@code jwt-token}: the access token for every app of the parent domain. HttpOnly, SameSite=Lax (top-level
 *       navigations from other sites keep working), Domain=parent, Path=/, Max-Age = the token's lifetime.</li>
 *   <li>refresh token and ID token: host-only on the gateway, Path=/auth/, HttpOnly. Apps never see them; the
 *       gateway reads them on /auth/refresh and /auth/logout only.</li>
 *   <li>login state: host-only, Path=/, Lax (it must come back on Keycloak's redirect), {@code __Host-} prefixed
 *       when Secure so that a sibling subdomain cannot plant its own login state (login CSRF).</li>
 * </ul>
 */
public final class SessionCookies {

  public static final String ACCESS_TOKEN = "jwt-token";
  public static final String REFRESH_TOKEN = "gatehouse-refresh";
  public static final String ID_TOKEN = "gatehouse-id";
  static final String LOGIN_STATE = "gatehouse-login";
  static final String AUTH_PATH = "/auth/";

  /** Browsers keep at least 4096 bytes per cookie (RFC 6265 section 6.1); stay clear of the edge. */
  public static final int MAX_SET_COOKIE_BYTES = 4000;

  private final String parentDomain;
  private final boolean secure;
  private final String refreshSameSite;

  public SessionCookies(LoginOptions options) {
    this(options.parentDomain(), !options.allowInsecureHttp(), options.refreshCookieSameSite());
  }

  public SessionCookies(String parentDomain, boolean secure, String refreshSameSite) {
    this.parentDomain = parentDomain;
    this.secure = secure;
    this.refreshSameSite = refreshSameSite;
  }

  public String loginStateName() {
    return secure ? "__Host-" + LOGIN_STATE : LOGIN_STATE;
  }

  /** @throws CookieTooLargeException when the token would not survive in a browser cookie */
  public String accessToken(String token, long maxAgeSeconds) {
    return build(ACCESS_TOKEN, token, maxAgeSeconds, parentDomain, "/", "Lax");
  }

  /** {@code maxAgeSeconds <= 0} means a session cookie (Keycloak reports 0 for offline tokens). */
  public String refreshToken(String token, long maxAgeSeconds) {
    return build(REFRESH_TOKEN, token, maxAgeSeconds, null, AUTH_PATH, refreshSameSite);
  }

  public String idToken(String token, long maxAgeSeconds) {
    return build(ID_TOKEN, token, maxAgeSeconds, null, AUTH_PATH, "Lax");
  }

  public String loginState(String sealed, long maxAgeSeconds) {
    return build(loginStateName(), sealed, maxAgeSeconds, null, "/", "Lax");
  }

  public String clearAccessToken() {
    return clear(ACCESS_TOKEN, parentDomain, "/", "Lax");
  }

  public String clearRefreshToken() {
    return clear(REFRESH_TOKEN, null, AUTH_PATH, refreshSameSite);
  }

  public String clearIdToken() {
    return clear(ID_TOKEN, null, AUTH_PATH, "Lax");
  }

  public String clearLoginState() {
    return clear(loginStateName(), null, "/", "Lax");
  }

  /** Everything a logout or a refused refresh removes. */
  public List<String> clearSession() {
    return List.of(clearAccessToken(), clearRefreshToken(), clearIdToken());
  }

  private String build(String name, String value, long maxAgeSeconds, String domain, String path, String sameSite) {
    if (value == null || value.isEmpty() || !value.chars().allMatch(SessionCookies::isCookieOctet)) {
      throw new IllegalArgumentException("cookie " + name + " needs a non-empty value of cookie-safe characters");
    }
    String header = format(name, value, maxAgeSeconds > 0 ? maxAgeSeconds : null, domain, path, sameSite);
    int bytes = header.getBytes(StandardCharsets.US_ASCII).length;
    if (bytes > MAX_SET_COOKIE_BYTES) {
      throw new CookieTooLargeException(name, bytes);
    }
    return header;
  }

  private String clear(String name, String domain, String path, String sameSite) {
    return format(name, "", 0L, domain, path, sameSite);
  }

  private String format(String name, String value, Long maxAge, String domain, String path, String sameSite) {
    StringBuilder header = new StringBuilder(name).append('=').append(value);
    if (maxAge != null) {
      header.append("; Max-Age=").append(maxAge);
    }
    if (domain != null) {
      header.append("; Domain=").append(domain);
    }
    header.append("; Path=").append(path);
    if (secure) {
      header.append("; Secure");
    }
    return header.append("; HttpOnly; SameSite=").append(sameSite).toString();
  }

  /** RFC 6265 cookie-octet: visible ASCII except '"', ',', ';' and '\'. */
  private static boolean isCookieOctet(int c) {
    return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) || (c >= 0x3C && c <= 0x5B)
        || (c >= 0x5D && c <= 0x7E);
  }
}
