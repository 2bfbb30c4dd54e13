package dev.gatehouse.gateway.login;

import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.credential.CredentialResult;
import dev.gatehouse.gateway.credential.RequestCookies;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cross-site defence for cookie-authenticated requests (CSRF and cross-site WebSocket hijacking). SameSite=Lax already
 * keeps the cookie off most cross-site requests, but every subdomain counts as "same site", old browsers ignore
 * SameSite, and a WebSocket handshake is a GET whose messages a cross-site page can read (WebSockets have no CORS).
 * So a request that carries one of our session cookies must show it comes from one of our apps:
 * <ul>
 *   <li>an {@code Origin} header, whatever the method: it must be one of our apps (the login's allow-list) or the
 *       gateway's own origin. {@code Origin: null} never is. A cross-site page therefore never gets an answer, CORS
 *       headers from an upstream included, for a request that rode the cookie;</li>
 *   <li>no {@code Origin} on a WebSocket handshake: refused, because browsers always send one there;</li>
 *   <li>no {@code Origin} on an unsafe method: {@code Sec-Fetch-Site: same-origin} (or {@code same-site} when there
 *       is an allow-list) must say where it comes from;</li>
 *   <li>no {@code Origin} on a safe method: {@code Sec-Fetch-Site: cross-site} is refused unless it is a top-level
 *       navigation (a link from another site still opens the page; an {@code <img>} or {@code <script>} does not).</li>
 * </ul>
 * Requests whose credential is a Bearer header are exempt (a cross-site page cannot attach one without passing CORS
 * first), and so are requests without our cookies: they have nothing to forge. {@code Referer} is not consulted: it
 * can be suppressed, and every browser that would send it also sends {@code Origin} or {@code Sec-Fetch-Site}.
 * Cookies are read by {@link RequestCookies} and the Bearer exemption is decided by the same
 * {@link CredentialExtractor} the access gate uses, so this check and the gate always see the same credential.
 */
public final class OriginCheck {

  public sealed interface Verdict permits Pass, Deny {}

  public record Pass() implements Verdict {}

  public record Deny(String message) implements Verdict {}

  private static final Pass PASS = new Pass();
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
  /** An Origin header is exactly scheme "://" host [":" port] (RFC 6454 section 7). */
  private static final Pattern ORIGIN = Pattern.compile("(https?)://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+])(?::([0-9]{1,5}))?");

  /** The login's allow-list, or null: then only the gateway's own origin counts as ours. */
  private final RedirectTargets targets;
  private final CredentialExtractor credentials;
  private final Set<String> sessionCookies;

  /** With the login's allow-list: our apps are the parent domain, its subdomains and the listed origins. */
  public OriginCheck(RedirectTargets targets, CredentialExtractor credentials) {
    this.targets = targets;
    this.credentials = credentials;
    this.sessionCookies = Set.of(credentials.cookieName(), SessionCookies.REFRESH_TOKEN, SessionCookies.ID_TOKEN);
  }

  /** Without a login section the gateway knows no app origins: only its own origin may ride the cookie. */
  public static OriginCheck sameOriginOnly(CredentialExtractor credentials) {
    return new OriginCheck(null, credentials);
  }

  /**
   * @param authority the request's {@code Host} (HTTP/1) or {@code :authority} (HTTP/2), null when none was sent
   */
  public Verdict decide(String method, HostAndPort authority, MultiMap headers) {
    List<String> cookies = headers.getAll("Cookie");
    if (cookies.isEmpty() || !RequestCookies.containsAny(cookies, sessionCookies) || isBearer(headers)) {
      return PASS;
    }
    List<String> origins = headers.getAll("Origin");
    if (origins.size() > 1) {
      return new Deny("the request has " + origins.size() + " Origin headers; a browser sends at most one");
    }
    String upperMethod = method.toUpperCase(Locale.ROOT);
    if (!origins.isEmpty()) {
      String origin = origins.get(0);
      return isOurs(origin, authority) ? PASS
          : new Deny("cross-site " + upperMethod + (isWebSocketHandshake(headers) ? " WebSocket handshake" : "")
              + " with the session cookie refused: Origin '" + origin + "' is not one of our apps");
    }
    String site = single(headers, "Sec-Fetch-Site");
    if (isWebSocketHandshake(headers)) {
      return new Deny("a WebSocket handshake with the session cookie needs the Origin header every browser sends; "
          + "other clients should send Authorization: Bearer instead");
    }
    if (!SAFE_METHODS.contains(upperMethod)) {
      return "same-origin".equals(site) || ("same-site".equals(site) && targets != null) ? PASS
          : new Deny(method + " with the session cookie needs an Origin header from one of our apps "
              + "(or Sec-Fetch-Site: same-origin); non-browser clients should send Authorization: Bearer instead");
    }
    if ("cross-site".equals(site) && !"navigate".equals(single(headers, "Sec-Fetch-Mode"))) {
      return new Deny("a cross-site " + upperMethod + " that is not a navigation may not use the session cookie "
          + "(Sec-Fetch-Site: cross-site)");
    }
    return PASS;
  }

  /** Answers 403 for a denied request, otherwise passes it on. Mount it before anything that honours the cookie. */
  public Handler<RoutingContext> handler() {
    return ctx -> {
      HttpServerRequest request = ctx.request();
      Verdict verdict = decide(request.method().name(), request.authority(), request.headers());
      if (verdict instanceof Deny deny) {
        JsonReplies.error(ctx, 403, "cross_site_request", deny.message());
      } else {
        ctx.next();
      }
    };
  }

  /** The credential the gate will use is the Authorization header (also when a cookie carries the same token). */
  private boolean isBearer(MultiMap headers) {
    return credentials.extract(headers) instanceof CredentialResult.Found found
        && found.credential().source() == Credential.Source.BEARER_HEADER;
  }

  private boolean isOurs(String origin, HostAndPort authority) {
    return (targets != null && targets.isAllowedOrigin(origin)) || isSameOrigin(origin, authority);
  }

  /**
   * True when {@code origin} names the host and port the request was sent to. The scheme only decides the default
   * port: behind a TLS-terminating load balancer the gateway itself sees plain http.
   */
  static boolean isSameOrigin(String origin, HostAndPort authority) {
    if (authority == null || authority.host() == null) {
      return false;
    }
    Matcher parts = ORIGIN.matcher(origin);
    if (!parts.matches()) {
      return false;
    }
    int defaultPort = parts.group(1).equals("https") ? 443 : 80;
    int originPort = parts.group(3) == null ? defaultPort : Integer.parseInt(parts.group(3));
    int requestPort = authority.port() < 0 ? defaultPort : authority.port();
    return parts.group(2).equalsIgnoreCase(authority.host()) && originPort == requestPort;
  }

  /**
   * Anything a WebSocket-aware server or proxy could take for a handshake: "websocket" anywhere in an Upgrade header
   * (vertx-http-proxy matches it as a substring, in any case) or any Sec-WebSocket-* header.
   */
  static boolean isWebSocketHandshake(MultiMap headers) {
    for (String upgrade : headers.getAll("Upgrade")) {
      if (upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
        return true;
      }
    }
    for (String name : headers.names()) {
      if (name.regionMatches(true, 0, "Sec-WebSocket-", 0, 14)) {
        return true;
      }
    }
    return false;
  }

  /** The header's value when sent exactly once; several values are no signal at all. */
  private static String single(MultiMap headers, String name) {
    List<String> values = headers.getAll(name);
    return values.size() == 1 ? values.get(0).trim().toLowerCase(Locale.ROOT) : null;
  }
}
