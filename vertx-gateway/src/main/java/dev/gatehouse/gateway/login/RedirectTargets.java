package dev.gatehouse.gateway.login;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * The redirect allow-list: which URLs the gateway may send a browser to after login or logout, and which
 * {@code Origin}s count as ours for CSRF and CORS.
 *
 * <p>A target is allowed when it is an absolute https URL (http only for local runs) whose host is the parent domain
 * or one of its subdomains, on a default or configured port, or whose origin is listed exactly. Everything is decided
 * on the raw string, without decoding: anything a browser and {@link URI} might read differently (backslashes,
 * control characters, non-ASCII, user-info, '%' in the authority, a trailing dot) is refused rather than interpreted.
 * Relative targets are refused: the gateway serves many apps and cannot guess which one was meant.
 */
public final class RedirectTargets {

  /** How a successful login hands the token to the app at the target. */
  public enum Delivery {
    /** The app is under the parent domain: the {@code jwt-token} cookie reaches it. */
    COOKIE,
    /** A listed app outside the parent domain: the token goes in the URL fragment, never the query. */
    FRAGMENT
  }

  public enum Reason { MISSING, TOO_LONG, ILLEGAL_CHARACTER, NOT_ABSOLUTE, MALFORMED, SCHEME_NOT_ALLOWED,
    USER_INFO, BAD_HOST, PORT_NOT_ALLOWED, HOST_NOT_ALLOWED }

  public sealed interface Decision permits Allowed, Refused {}

  /** {@code url} is the canonical form to redirect to (lower-case scheme and host, default port removed). */
  public record Allowed(String url, String origin, Delivery delivery) implements Decision {}

  public record Refused(Reason reason, String message) implements Decision {}

  static final int MAX_LENGTH = 2048;

  private final String parentDomain;
  private final Set<String> exactOrigins;
  private final Set<Integer> extraPorts;
  private final boolean allowHttp;
  /** The gateway's own public origin (its console lives there), whatever its port; null when not known. */
  private final String ownOrigin;

  public RedirectTargets(LoginOptions options) {
    this(options.parentDomain(), Set.copyOf(options.allowedOrigins()), options.allowedPorts(), options.allowInsecureHttp(),
        originOf(options.publicBaseUrl()));
  }

  public RedirectTargets(String parentDomain, Set<String> exactOrigins, Set<Integer> extraPorts, boolean allowHttp) {
    this(parentDomain, exactOrigins, extraPorts, allowHttp, null);
  }

  private RedirectTargets(String parentDomain, Set<String> exactOrigins, Set<Integer> extraPorts, boolean allowHttp,
      String ownOrigin) {
    this.ownOrigin = ownOrigin;
    this.parentDomain = parentDomain.toLowerCase(Locale.ROOT);
    this.exactOrigins = Set.copyOf(exactOrigins);
    this.extraPorts = Set.copyOf(extraPorts);
    this.allowHttp = allowHttp;
  }

  public Decision check(String target) {
    if (target == null || target.isEmpty()) {
      return refused(Reason.MISSING, "no redirect target given: pass ?redirect=<absolute https URL of your app>");
    }
    if (target.length() > MAX_LENGTH) {
      return refused(Reason.TOO_LONG, "the redirect target is longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      // Controls, space, DEL, non-ASCII (IDN, unicode dots and slashes) and backslash: browsers "fix" these.
      if (c <= 0x20 || c >= 0x7f || c == '\\') {
        return refused(Reason.ILLEGAL_CHARACTER, "the redirect target contains a character that is not allowed at"
            + " position " + i + " (controls, spaces, backslashes and non-ASCII must be percent-encoded or removed)");
      }
    }
    URI uri;
    try {
      uri = new URI(target);
    } catch (URISyntaxException e) {
      return refused(Reason.MALFORMED, "the redirect target is not a valid URL: " + e.getReason());
    }
    if (!uri.isAbsolute()) {
      return refused(Reason.NOT_ABSOLUTE, "the redirect target must be an absolute URL such as https://app."
          + parentDomain + "/ (relative and scheme-relative targets are refused)");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.isOpaque() || !(scheme.equals("https") || (allowHttp && scheme.equals("http")))) {
      return refused(Reason.SCHEME_NOT_ALLOWED, "the redirect target must use " + (allowHttp ? "https or http" : "https"));
    }
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      return refused(Reason.BAD_HOST, "the redirect target has no host");
    }
    if (authority.contains("@")) {
      return refused(Reason.USER_INFO, "the redirect target must not contain user information ('user@')");
    }
    String host = uri.getHost();
    if (host == null || authority.contains("%") || !host.matches("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*")) {
      return refused(Reason.BAD_HOST, "the redirect target's host is not a plain DNS name");
    }
    host = host.toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if (port == defaultPort(scheme)) {
      port = -1;
    }
    String origin = scheme + "://" + host + (port == -1 ? "" : ":" + port);
    Delivery delivery;
    if (origin.equals(ownOrigin)) {
      // The gateway's own pages (the console) share its cookie whatever port it listens on.
      delivery = Delivery.COOKIE;
    } else if (isWithinDomain(host, parentDomain)) {
      if (port != -1 && !extraPorts.contains(port)) {
        return refused(Reason.PORT_NOT_ALLOWED, "port " + port + " is not allowed for redirect targets; "
            + "add it to login.allowedPorts if an app really runs there");
      }
      delivery = Delivery.COOKIE;
    } else if (exactOrigins.contains(origin)) {
      delivery = Delivery.FRAGMENT;
    } else {
      return refused(Reason.HOST_NOT_ALLOWED, "'" + origin + "' is neither under " + parentDomain
          + " nor in login.allowedOrigins");
    }
    StringBuilder url = new StringBuilder(origin);
    url.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
    if (uri.getRawQuery() != null) {
      url.append('?').append(uri.getRawQuery());
    }
    if (uri.getRawFragment() != null) {
      url.append('#').append(uri.getRawFragment());
    }
    return new Allowed(url.toString(), origin, delivery);
  }

  /** True when the {@code Origin} header value names one of our apps (parent domain or listed). */
  public boolean isAllowedOrigin(String origin) {
    if (origin == null || origin.equals("null")) {
      return false;
    }
    Decision decision = check(origin);
    // An Origin header is exactly scheme://host[:port]: anything more means it is not a real Origin header.
    return decision instanceof Allowed allowed && allowed.origin().equals(origin);
  }

  static boolean isWithinDomain(String host, String domain) {
    return host.equals(domain) || host.endsWith("." + domain);
  }

  private static int defaultPort(String scheme) {
    return scheme.equals("https") ? 443 : 80;
  }

  private static Refused refused(Reason reason, String message) {
    return new Refused(reason, message);
  }

  /** {@code scheme://host[:port]} of an absolute URL, lower case, without a default port; null when it has none. */
  private static String originOf(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      int port = uri.getPort() == defaultPort(scheme) ? -1 : uri.getPort();
      return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (port == -1 ? "" : ":" + port);
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }
}
