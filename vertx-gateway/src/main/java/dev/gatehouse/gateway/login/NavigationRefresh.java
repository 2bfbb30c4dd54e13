package dev.gatehouse.gateway.login;

import dev.gatehouse.gateway.credential.RequestCookies;
import dev.gatehouse.gateway.login.RedirectTargets.Allowed;
import dev.gatehouse.gateway.login.RedirectTargets.Delivery;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Transparent refresh for browser page loads. The refresh cookie is scoped to {@code /auth/}, so a page load of an
 * app never carries it; when such a load is refused only because the permissions in its {@code jwt-token} cookie
 * changed, the gateway answers {@code 303} to {@code GET /auth/refresh?redirect=<the page>}, which renews the cookies
 * and sends the browser back. Scripts (fetch/XHR) keep the 401 and call {@code POST /auth/refresh} themselves.
 *
 * <p>Loops are cut by a short-lived marker cookie holding a fingerprint of the token the last navigation refresh
 * issued: if that very token is refused again (a change in the same second as the refresh), the gate answers the 401.
 */
public final class NavigationRefresh {

  static final String MARKER = "gatehouse-refreshed";
  /** Long enough for the browser to come back from the refresh; short enough that a reload later tries again. */
  static final long MARKER_SECONDS = 10;

  private final RedirectTargets targets;
  private final String gatewayOrigin;
  private final String scheme;
  private final String parentDomain;
  private final boolean secure;

  NavigationRefresh(LoginOptions options) {
    URI base = URI.create(options.publicBaseUrl());
    this.scheme = base.getScheme().toLowerCase(Locale.ROOT);
    int port = base.getPort();
    boolean defaultPort = port == -1 || port == (scheme.equals("https") ? 443 : 80);
    this.gatewayOrigin = scheme + "://" + base.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    // The login's allow-list, plus the gateway's own port: its pages need not be listed in login.allowedPorts.
    Set<Integer> ports = new HashSet<>(options.allowedPorts());
    if (!defaultPort) {
      ports.add(port);
    }
    this.targets = new RedirectTargets(options.parentDomain(), Set.copyOf(options.allowedOrigins()), ports,
        options.allowInsecureHttp());
    this.parentDomain = options.parentDomain();
    this.secure = !options.allowInsecureHttp();
  }

  /**
   * Answers {@code 303} to the refresh endpoint and returns true when the refused request is a browser page load
   * that a refresh can repair; returns false (the caller answers 401) otherwise.
   *
   * @param token the access token from the {@code jwt-token} cookie, refused only because permissions changed
   */
  public boolean redirectToRefresh(HttpServerRequest request, String token) {
    if (!isPageLoad(request.method(), request.headers())) {
      return false;
    }
    String marker = RequestCookies.single(request.headers().getAll("Cookie"), MARKER);
    if (marker != null && marker.equals(fingerprint(token))) {
      return false;
    }
    String target = originalUrl(request);
    if (target == null || returnTarget(target) == null) {
      return false;
    }
    request.response().setStatusCode(303)
        .putHeader("Location", gatewayOrigin + LoginRoutes.REFRESH + "?redirect=" + OidcClient.formEncode(target))
        .putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "no-referrer")
        .end();
    return true;
  }

  /**
   * A GET top-level navigation: {@code Sec-Fetch-Mode: navigate}, or, from browsers that send no Sec-Fetch headers,
   * an {@code Accept} that asks for HTML. (Browsers navigate with GET only; the refresh endpoint serves no HEAD.)
   */
  static boolean isPageLoad(HttpMethod method, MultiMap headers) {
    if (method != HttpMethod.GET) {
      return false;
    }
    String mode = headers.get("Sec-Fetch-Mode");
    if (mode != null) {
      return mode.equals("navigate") && !"cross-site".equals(headers.get("Sec-Fetch-Site"));
    }
    if (headers.contains("Sec-Fetch-Site")) {
      return false;
    }
    String accept = headers.get("Accept");
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
  }

  /**
   * The canonical return target when it is allowed: on the gateway or an app under the parent domain (the ones the
   * {@code jwt-token} cookie reaches); null otherwise.
   */
  String returnTarget(String target) {
    return targets.check(target) instanceof Allowed allowed && allowed.delivery() == Delivery.COOKIE
        ? allowed.url() : null;
  }

  /** Where a failed refresh sends the browser: the normal login, back to the same page afterwards. */
  String loginUrl(String target) {
    return gatewayOrigin + LoginRoutes.LOGIN + "?redirect=" + OidcClient.formEncode(target);
  }

  /** The page's URL as the browser asked for it: the deployment's scheme, the Host it sent, the raw target. */
  private String originalUrl(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    String uri = request.uri();
    if (authority == null || uri == null || !uri.startsWith("/")) {
      return null;
    }
    int port = authority.port();
    boolean defaultPort = port <= 0 || port == (scheme.equals("https") ? 443 : 80);
    return scheme + "://" + authority.host() + (defaultPort ? "" : ":" + port) + uri;
  }

  /** The marker set with a token the navigation refresh issued. */
  String markerCookie(String accessToken) {
    return MARKER + "=" + fingerprint(accessToken) + "; Max-Age=" + MARKER_SECONDS + "; Domain=" + parentDomain
        + "; Path=/" + (secure ? "; Secure" : "") + "; HttpOnly; SameSite=Lax";
  }

  static String fingerprint(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
