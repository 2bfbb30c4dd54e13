package dev.gatehouse.gateway.credential;

import dev.gatehouse.gateway.credential.CredentialResult.Found;
import dev.gatehouse.gateway.credential.CredentialResult.Invalid;
import dev.gatehouse.gateway.credential.CredentialResult.Missing;
import dev.gatehouse.gateway.credential.CredentialResult.Problem;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Finds the one token a request presents: the token cookie (default {@code jwt-token}) or
 * {@code Authorization: Bearer <token>}. Pure: it reads header values and nothing else.
 *
 * <p>Rules, chosen so that the gateway never guesses which credential the caller meant:
 * <ul>
 *   <li>The scheme is matched case-insensitively (RFC 9110 §11.1); it must be followed by one or more spaces and
 *       exactly one token68 value (RFC 6750 §2.1). Anything else is {@link Problem#MALFORMED_AUTHORIZATION}.</li>
 *   <li>A non-Bearer scheme such as Basic is {@link Problem#UNSUPPORTED_SCHEME}, even when a cookie is also
 *       present.</li>
 *   <li>Several {@code Authorization} headers are refused. Several token cookies are refused unless they all carry
 *       the same value (a browser can send one host-only and one domain cookie).</li>
 *   <li>Cookie and header together: accepted when they carry the same token (reported as the header),
 *       refused as {@link Problem#CONFLICTING_CREDENTIALS} when they differ.</li>
 *   <li>Neither present: {@link Missing}.</li>
 * </ul>
 */
public final class CredentialExtractor {

  public static final String DEFAULT_COOKIE_NAME = "jwt-token";

  // RFC 9110 §11.2 token68. JWTs (base64url segments joined by dots) fit it.
  /** RFC 7235 token68 alphabet; checked with a table, not a regex: this runs on every request over ~1-2 KB. */
  private static final boolean[] TOKEN68_CHARS = new boolean[128];

  static {
    for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/".toCharArray()) {
      TOKEN68_CHARS[c] = true;
    }
  }
  // RFC 9110 §5.6.2 token, for the auth-scheme.
  private static final Pattern SCHEME = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

  private final String cookieName;

  public CredentialExtractor() {
    this(DEFAULT_COOKIE_NAME);
  }

  public CredentialExtractor(String cookieName) {
    Objects.requireNonNull(cookieName, "cookieName");
    if (!SCHEME.matcher(cookieName).matches()) {
      throw new IllegalArgumentException("Cookie name '" + cookieName + "' is not a valid cookie name (RFC 6265 token)");
    }
    this.cookieName = cookieName;
  }

  public String cookieName() {
    return cookieName;
  }

  /**
   * Reads {@code Authorization} and every {@code Cookie} header (HTTP/2 may split cookies over several), through
   * {@link RequestCookies} like every other cookie reader of the gateway.
   */
  public CredentialResult extract(MultiMap headers) {
    return extract(headers.getAll("Authorization"), headers.getAll("Cookie"));
  }

  public CredentialResult extract(List<String> authorizationHeaders, List<String> cookieHeaders) {
    if (authorizationHeaders.size() > 1) {
      return new Invalid(Problem.DUPLICATE_AUTHORIZATION, "Send one Authorization header, not several");
    }
    CredentialResult fromHeader = authorizationHeaders.isEmpty() ? new Missing() : fromAuthorization(authorizationHeaders.get(0));
    if (fromHeader instanceof Invalid) {
      return fromHeader;
    }
    CredentialResult fromCookie = fromCookies(cookieHeaders);
    if (fromCookie instanceof Invalid) {
      return fromCookie;
    }
    if (fromHeader instanceof Found header && fromCookie instanceof Found cookie) {
      return header.credential().token().equals(cookie.credential().token())
          ? header
          : new Invalid(Problem.CONFLICTING_CREDENTIALS,
              "The " + cookieName + " cookie and the Authorization header carry different tokens; send only one");
    }
    return fromHeader instanceof Found ? fromHeader : fromCookie;
  }

  private static CredentialResult fromAuthorization(String value) {
    String trimmed = value.strip();
    int space = trimmed.indexOf(' ');
    String scheme = space < 0 ? trimmed : trimmed.substring(0, space);
    if (!scheme.toLowerCase(Locale.ROOT).equals("bearer")) {
      return SCHEME.matcher(scheme).matches()
          ? new Invalid(Problem.UNSUPPORTED_SCHEME, "Only the Bearer authorization scheme is supported")
          : new Invalid(Problem.MALFORMED_AUTHORIZATION, "The Authorization header is malformed; expected 'Bearer <token>'");
    }
    String token = space < 0 ? "" : trimmed.substring(space).stripLeading();
    if (token.isEmpty()) {
      return new Invalid(Problem.MALFORMED_AUTHORIZATION, "The Authorization header has no token after 'Bearer'");
    }
    if (!isToken68(token)) {
      return new Invalid(Problem.MALFORMED_AUTHORIZATION,
          "The Authorization header must carry exactly one token after 'Bearer'");
    }
    return new Found(new Credential(Credential.Source.BEARER_HEADER, token));
  }

  private CredentialResult fromCookies(List<String> cookieHeaders) {
    List<String> values = RequestCookies.values(cookieHeaders, cookieName);
    if (values.isEmpty()) {
      return new Missing();
    }
    String token = values.get(0);
    if (values.stream().anyMatch(v -> !v.equals(token))) {
      return new Invalid(Problem.DUPLICATE_COOKIE,
          "Several " + cookieName + " cookies with different values; clear the cookies and sign in again");
    }
    if (!isToken68(token)) {
      return new Invalid(Problem.MALFORMED_COOKIE, "The " + cookieName + " cookie does not hold a token");
    }
    return new Found(new Credential(Credential.Source.COOKIE, token));
  }

  /** {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="} (RFC 7235 section 2.1). */
  static boolean isToken68(String value) {
    int end = value.length();
    while (end > 0 && value.charAt(end - 1) == '=') {
      end--;
    }
    if (end == 0) {
      return false;
    }
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (c >= 128 || !TOKEN68_CHARS[c]) {
        return false;
      }
    }
    return true;
  }
}
