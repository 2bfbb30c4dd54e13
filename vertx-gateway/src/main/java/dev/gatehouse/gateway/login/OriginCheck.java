package dev.gatehouse.gateway.login;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;

/**
 * CSRF defence for cookie-authenticated requests. SameSite=Lax already keeps the cookie off cross-site POSTs, but
 * every subdomain counts as "same site", and old browsers ignore SameSite; so an unsafe method that carries one of our
 * session cookies must also prove where it comes from: an {@code Origin} of one of our apps, or, when a browser sends
 * no Origin, {@code Sec-Fetch-Site: same-origin|same-site}. Bearer requests are exempt: a cross-site page cannot attach
 * an Authorization header without passing CORS first. Requests without our cookies have nothing to forge.
 */
public final class OriginCheck {

  public sealed interface Verdict permits Pass, Deny {}

  public record Pass() implements Verdict {}

  public record Deny(String message) implements Verdict {}

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
  private static final Set<String> SESSION_COOKIES =
      Set.of(SessionCookies.ACCESS_TOKEN, SessionCookies.REFRESH_TOKEN, SessionCookies.ID_TOKEN);

  private final RedirectTargets targets;

  public OriginCheck(RedirectTargets targets) {
    this.targets = targets;
  }

  public Verdict decide(String method, String origin, String secFetchSite, String authorization, String cookieHeader) {
    if (SAFE_METHODS.contains(method.toUpperCase(Locale.ROOT))) {
      return new Pass();
    }
    if (isBearer(authorization) || !carriesSessionCookie(cookieHeader)) {
      return new Pass();
    }
    if (origin != null) {
      return targets.isAllowedOrigin(origin) ? new Pass()
          : new Deny("cross-site " + method + " with the session cookie refused: Origin '" + origin
              + "' is not one of our apps");
    }
    if ("same-origin".equals(secFetchSite) || "same-site".equals(secFetchSite)) {
      return new Pass();
    }
    return new Deny(method + " with the session cookie needs an Origin header from one of our apps "
        + "(or Sec-Fetch-Site: same-origin); non-browser clients should send Authorization: Bearer instead");
  }

  /** Answers 403 for a denied request, otherwise passes it on. Mount it before anything that honours the cookie. */
  public Handler<RoutingContext> handler() {
    return ctx -> {
      var request = ctx.request();
      Verdict verdict = decide(request.method().name(), request.getHeader("Origin"), request.getHeader("Sec-Fetch-Site"),
          request.getHeader("Authorization"), request.getHeader("Cookie"));
      if (verdict instanceof Deny deny) {
        JsonReplies.error(ctx, 403, "cross_site_request", deny.message());
      } else {
        ctx.next();
      }
    };
  }

  private static boolean isBearer(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
  }

  static boolean carriesSessionCookie(String cookieHeader) {
    if (cookieHeader == null) {
      return false;
    }
    for (String pair : cookieHeader.split(";")) {
      int eq = pair.indexOf('=');
      String name = (eq < 0 ? pair : pair.substring(0, eq)).trim();
      if (SESSION_COOKIES.contains(name)) {
        return true;
      }
    }
    return false;
  }
}
