package dev.gatehouse.gateway.login;

import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.token.TokenVerifier;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;

/**
 * Mounts the browser login on a router:
 * <pre>
 *   GET      /auth/login?redirect=URL    start: to Keycloak's login page
 *   GET      /auth/callback              back from Keycloak: cookies set, to the target
 *   POST     /auth/refresh               new cookies from the refresh cookie
 *   GET      /auth/refresh?redirect=URL  the same for a page load, back to the page (see NavigationRefresh)
 *   GET|POST /auth/logout?redirect=URL   cookies cleared, Keycloak session ended, to the target
 *   GET      /auth/logout/done           back from Keycloak's logout
 *   GET      /auth/whoami                the verified identity
 * </pre>
 * CORS and the CSRF origin check run first on every {@code /auth/*} route. Both are exposed so that the gateway can
 * put the same instances in front of its proxied routes.
 */
public final class LoginRoutes {

  public static final String PREFIX = "/auth/";
  public static final String LOGIN = "/auth/login";
  public static final String CALLBACK = "/auth/callback";
  public static final String REFRESH = "/auth/refresh";
  public static final String LOGOUT = "/auth/logout";
  public static final String LOGOUT_DONE = "/auth/logout/done";
  public static final String WHOAMI = "/auth/whoami";

  private final Cors cors;
  private final OriginCheck originCheck;
  private final RedirectTargets targets;
  private final NavigationRefresh navigationRefresh;

  private LoginRoutes(Cors cors, OriginCheck originCheck, RedirectTargets targets,
      NavigationRefresh navigationRefresh) {
    this.cors = cors;
    this.originCheck = originCheck;
    this.targets = targets;
    this.navigationRefresh = navigationRefresh;
  }

  /**
   * @param options     validated here; an invalid configuration throws with every problem listed
   * @param client      a WebClient used to reach Keycloak (discovery, token endpoint, JWKS)
   * @param verifier    the gateway's access-token verifier, for /auth/whoami
   * @param revocations the live revocation list: /auth/whoami refuses what the access gate refuses
   */
  public static LoginRoutes mount(Router router, LoginOptions options, WebClient client, TokenVerifier verifier,
      RevocationGuard revocations) {
    return mount(router, options, client, verifier, Clock.systemUTC(), revocations);
  }

  /** For tests of the login alone: nothing is ever revoked. */
  static LoginRoutes mount(Router router, LoginOptions options, WebClient client, TokenVerifier verifier) {
    return mount(router, options, client, verifier, Clock.systemUTC(), RevocationGuard.alwaysFresh());
  }

  static LoginRoutes mount(Router router, LoginOptions options, WebClient client, TokenVerifier verifier,
                           Clock clock, RevocationGuard revocations) {
    options.validate();
    RedirectTargets targets = new RedirectTargets(options);
    Cors cors = new Cors(targets, options);
    // The login sets the default cookie name (config validation keeps token.cookieName at jwt-token with login on).
    OriginCheck originCheck = new OriginCheck(targets, new CredentialExtractor(SessionCookies.ACCESS_TOKEN));
    LoginHandlers handlers = new LoginHandlers(options, new OidcClient(client, options), verifier, clock,
        revocations);

    router.route(PREFIX + "*").handler(cors.handler()).handler(originCheck.handler());
    router.get(LOGIN).handler(handlers.login());
    router.get(CALLBACK).handler(handlers.callback());
    router.post(REFRESH).handler(handlers.refresh());
    router.get(REFRESH).handler(handlers.refreshAndReturn());
    router.route(LOGOUT).method(HttpMethod.GET).method(HttpMethod.POST).handler(handlers.logout());
    router.get(LOGOUT_DONE).handler(handlers.logoutDone());
    router.get(WHOAMI).handler(handlers.whoami());
    return new LoginRoutes(cors, originCheck, targets, handlers.navigationRefresh());
  }

  /** For the access gate: sends page loads refused for changed permissions through GET /auth/refresh. */
  public NavigationRefresh navigationRefresh() {
    return navigationRefresh;
  }

  public Cors cors() {
    return cors;
  }

  public OriginCheck originCheck() {
    return originCheck;
  }

  public RedirectTargets redirectTargets() {
    return targets;
  }
}
