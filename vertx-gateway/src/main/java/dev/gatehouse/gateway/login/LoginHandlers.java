package dev.gatehouse.gateway.login;

import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.credential.CredentialResult;
import dev.gatehouse.gateway.credential.RequestCookies;
import dev.gatehouse.gateway.logging.Failures;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import dev.gatehouse.gateway.login.LoginStateCodec.Rejected;
import dev.gatehouse.gateway.login.LoginStateCodec.Valid;
import dev.gatehouse.gateway.login.OidcClient.TokenResponse;
import dev.gatehouse.gateway.login.RedirectTargets.Allowed;
import dev.gatehouse.gateway.login.RedirectTargets.Delivery;
import dev.gatehouse.gateway.login.RedirectTargets.Refused;
import dev.gatehouse.gateway.reply.ErrorReply;
import dev.gatehouse.gateway.revocation.Revoked;
import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.token.KeysNotLoadedException;
import dev.gatehouse.gateway.token.TokenRejectedException;
import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser login endpoints. They keep no server-side session: the login state travels in a sealed cookie and the
 * tokens in HttpOnly cookies, so any gateway instance can serve any step.
 */
public final class LoginHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(LoginHandlers.class);
  /** Keycloak down fails every login the same way: one line per kind of failure per interval. */
  private static final RateLimitedLog PROVIDER_LOG = RateLimitedLog.of(LOG);

  private final LoginOptions options;
  private final OidcClient oidc;
  private final TokenVerifier verifier;
  private final RevocationGuard revocations;
  private final Clock clock;
  private final RedirectTargets targets;
  private final LoginStateCodec stateCodec;
  private final SessionCookies cookies;
  private final IdTokenValidator idTokens;
  private final NavigationRefresh navigationRefresh;
  /** The gate's rules for finding the caller's token, so that whoami answers for the same credential the gate uses. */
  private final CredentialExtractor credentials = new CredentialExtractor(SessionCookies.ACCESS_TOKEN);

  public LoginHandlers(LoginOptions options, OidcClient oidc, TokenVerifier verifier, Clock clock,
      RevocationGuard revocations) {
    this.options = options;
    this.oidc = oidc;
    this.verifier = verifier;
    this.revocations = revocations;
    this.clock = clock;
    this.targets = new RedirectTargets(options);
    this.stateCodec = new LoginStateCodec(options.stateSecrets(), clock);
    this.cookies = new SessionCookies(options);
    this.idTokens = new IdTokenValidator(options.issuer(), options.clientId());
    this.navigationRefresh = new NavigationRefresh(options);
  }

  NavigationRefresh navigationRefresh() {
    return navigationRefresh;
  }

  /** GET /auth/login?redirect=URL: remembers the target in a sealed cookie and sends the browser to Keycloak. */
  public Handler<RoutingContext> login() {
    return ctx -> {
      Allowed target = requestedTarget(ctx);
      if (target == null) {
        return;
      }
      if (target.delivery() == Delivery.FRAGMENT && target.url().contains("#")) {
        JsonReplies.error(ctx, 400, "redirect_refused", "apps outside " + options.parentDomain()
            + " receive the token in the URL fragment: remove the '#...' part from the redirect target");
        return;
      }
      oidc.metadata().onComplete(result -> {
        if (result.failed()) {
          fail(ctx, result.cause());
          return;
        }
        LoginState state = LoginState.start(target, clock.instant(), options.loginStateTtl());
        ctx.response().headers().add("Set-Cookie",
            cookies.loginState(stateCodec.seal(state), options.loginStateTtl().toSeconds()));
        redirect(ctx, oidc.authorizationUrl(result.result(), state));
      });
    };
  }

  /** GET /auth/callback?code&state: checks the state, exchanges the code, checks the ID token, sets the cookies. */
  public Handler<RoutingContext> callback() {
    return ctx -> {
      LoginStateCodec.Opened opened = stateCodec.open(cookieValue(ctx, cookies.loginStateName()));
      if (opened instanceof Rejected rejected) {
        ctx.response().headers().add("Set-Cookie", cookies.clearLoginState());
        JsonReplies.error(ctx, 400, "login_state_invalid", describe(rejected.reason()));
        return;
      }
      LoginState state = ((Valid) opened).state();
      if (!state.stateMatches(singleParam(ctx, "state"))) {
        // The cookie is left alone: it may belong to a newer login still in progress in another tab.
        JsonReplies.error(ctx, 400, "state_mismatch",
            "this callback does not belong to the login started in this browser: start again at /auth/login");
        return;
      }
      // From here on the login state is used up, whatever the outcome.
      ctx.response().headers().add("Set-Cookie", cookies.clearLoginState());
      String providerError = singleParam(ctx, "error");
      if (providerError != null) {
        JsonReplies.error(ctx, 400, "login_failed", "Keycloak ended the login with '" + providerError
            + "'. Start again at /auth/login");
        return;
      }
      String code = singleParam(ctx, "code");
      if (code == null) {
        JsonReplies.error(ctx, 400, "login_failed", "the callback carries no authorization code");
        return;
      }
      oidc.exchangeCode(code, state.codeVerifier())
          .compose(tokens -> oidc.signingKeys().map(keys -> checked(tokens, keys, state)))
          .onSuccess(tokens -> {
            try {
              setSessionCookies(ctx.response(), tokens);
            } catch (CookieTooLargeException e) {
              fail(ctx, e);
              return;
            }
            redirect(ctx, state.delivery() == Delivery.FRAGMENT ? withTokenFragment(state.redirectUrl(), tokens)
                : state.redirectUrl());
          })
          .onFailure(e -> fail(ctx, e));
    };
  }

  /** POST /auth/refresh: renews the cookies from the refresh cookie; the tokens themselves never reach scripts. */
  public Handler<RoutingContext> refresh() {
    return ctx -> {
      String refreshToken = cookieValue(ctx, SessionCookies.REFRESH_TOKEN);
      if (refreshToken == null) {
        JsonReplies.error(ctx, 401, "no_session", "there is no session to refresh: log in at /auth/login");
        return;
      }
      renewSession(ctx, refreshToken,
          tokens -> JsonReplies.ok(ctx, new JsonObject().put("expires_in", accessTokenLifetime(tokens))),
          () -> JsonReplies.error(ctx, 401, "session_ended", "the session has ended: log in again at /auth/login"));
    };
  }

  /**
   * Renews the session cookies from {@code refreshToken}, then hands the new tokens to {@code renewed}. When Keycloak
   * refuses the refresh token (the session ended), the session cookies are cleared and {@code ended} answers.
   */
  private void renewSession(RoutingContext ctx, String refreshToken, Consumer<TokenResponse> renewed, Runnable ended) {
    oidc.refresh(refreshToken).onSuccess(tokens -> {
      try {
        setSessionCookies(ctx.response(), tokens);
      } catch (CookieTooLargeException e) {
        fail(ctx, e);
        return;
      }
      renewed.accept(tokens);
    }).onFailure(e -> {
      if (e instanceof OidcException oidcError && oidcError.kind() == OidcException.Kind.GRANT_REFUSED) {
        cookies.clearSession().forEach(c -> ctx.response().headers().add("Set-Cookie", c));
        ended.run();
      } else {
        fail(ctx, e);
      }
    });
  }

  /**
   * GET /auth/refresh?redirect=URL: the page-load variant, where the access gate sends a browser whose token is stale
   * only because its permissions changed. Renews the cookies and sends it back to the page; without a usable session,
   * to the login. Only for top-level navigations (the origin check has already refused cross-site ones): scripts use
   * POST, which answers JSON.
   */
  public Handler<RoutingContext> refreshAndReturn() {
    return ctx -> {
      if (!NavigationRefresh.isPageLoad(ctx.request().method(), ctx.request().headers())) {
        JsonReplies.error(ctx, 400, "not_a_navigation", "GET /auth/refresh is for page loads in a browser: "
            + "scripts renew the session with POST /auth/refresh");
        return;
      }
      List<String> values = ctx.queryParam("redirect");
      String target = values.size() == 1 ? navigationRefresh.returnTarget(values.get(0)) : null;
      if (target == null) {
        JsonReplies.error(ctx, 400, "redirect_refused", "give exactly one redirect parameter: the absolute URL of a "
            + "page on the gateway or an app under " + options.parentDomain());
        return;
      }
      String refreshToken = cookieValue(ctx, SessionCookies.REFRESH_TOKEN);
      if (refreshToken == null) {
        seeOther(ctx, navigationRefresh.loginUrl(target));
        return;
      }
      renewSession(ctx, refreshToken, tokens -> {
        ctx.response().headers().add("Set-Cookie", navigationRefresh.markerCookie(tokens.accessToken()));
        seeOther(ctx, target);
      }, () -> seeOther(ctx, navigationRefresh.loginUrl(target)));
    };
  }

  /**
   * GET|POST /auth/logout?redirect=URL: clears the cookies and ends the Keycloak session. Keycloak returns to
   * {@code /auth/logout/done} with the target in {@code state}, which is checked against the allow-list again there.
   */
  public Handler<RoutingContext> logout() {
    return ctx -> {
      Allowed target = null;
      if (!ctx.queryParam("redirect").isEmpty() || options.defaultRedirect() != null) {
        target = requestedTarget(ctx);
        if (target == null) {
          return;
        }
      }
      String idToken = cookieValue(ctx, SessionCookies.ID_TOKEN);
      cookies.clearSession().forEach(c -> ctx.response().headers().add("Set-Cookie", c));
      String state = target == null ? null : target.url();
      oidc.metadata().onSuccess(provider -> redirect(ctx, oidc.endSessionUrl(provider, idToken, state)))
          .onFailure(e -> JsonReplies.error(ctx, 502, "logout_incomplete", "the gateway's cookies are cleared, but "
              + "the Keycloak session could not be ended because Keycloak is unreachable: try again later"));
    };
  }

  /** GET /auth/logout/done?state=URL: the end of logout, back from Keycloak. */
  public Handler<RoutingContext> logoutDone() {
    return ctx -> {
      String target = singleParam(ctx, "state");
      if (target == null) {
        JsonReplies.ok(ctx, new JsonObject().put("logged_out", true));
        return;
      }
      if (targets.check(target) instanceof Allowed allowed) {
        redirect(ctx, allowed.url());
      } else {
        JsonReplies.error(ctx, 400, "redirect_refused", "you are logged out, but the return target is not allowed");
      }
    };
  }

  /**
   * GET /auth/whoami: the verified identity behind the cookie or Bearer token, refused (401 with the reason, or 503
   * while the revocation list is too stale to tell) exactly when the access gate would refuse it.
   */
  public Handler<RoutingContext> whoami() {
    return ctx -> {
      CredentialResult presented = credentials.extract(ctx.request().headers());
      if (presented instanceof CredentialResult.Invalid invalid) {
        String oauthError = invalid.problem().oauthError();
        ctx.response().putHeader("WWW-Authenticate", oauthError == null ? "Bearer" : "Bearer error=\"" + oauthError + "\"");
        JsonReplies.error(ctx, invalid.problem().status(), oauthError == null ? "not_logged_in" : oauthError,
            invalid.message());
        return;
      }
      if (!(presented instanceof CredentialResult.Found found)) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        JsonReplies.error(ctx, 401, "not_logged_in", "no jwt-token cookie or Bearer token: log in at /auth/login");
        return;
      }
      String token = found.credential().token();
      verifier.verify(token).onSuccess(verified -> answerUnlessRevoked(ctx, verified)).onFailure(e -> {
            if (e instanceof TokenRejectedException rejected) {
              ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
              JsonReplies.error(ctx, 401, "invalid_token", rejected.getMessage());
            } else if (e instanceof KeysNotLoadedException) {
              JsonReplies.error(ctx, 503, "not_ready", "the gateway has not loaded Keycloak's signing keys yet");
            } else if (Failures.isExpected(e)) {
              PROVIDER_LOG.warn("whoami", "whoami answered 503: the token could not be verified right now ({})",
                  Failures.describe(e));
              JsonReplies.error(ctx, 503, "not_ready", "the token could not be verified right now: try again");
            } else {
              LOG.warn("whoami: token verification failed unexpectedly", e);
              JsonReplies.error(ctx, 503, "not_ready", "the token could not be verified right now: try again");
            }
          });
    };
  }

  private void answerUnlessRevoked(RoutingContext ctx, VerifiedToken verified) {
    String unavailable = revocations.unavailableReason();
    if (unavailable != null) {
      JsonReplies.error(ctx, 503, "not_ready", unavailable);
      return;
    }
    Revoked revoked = revocations.check(verified);
    if (revoked != null) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\""
          + ErrorReply.quotable(revoked.description()) + "\"");
      JsonReplies.error(ctx, 401, "invalid_token", revoked.description());
      return;
    }
    JsonReplies.ok(ctx, describe(verified));
  }

  private TokenResponse checked(TokenResponse tokens, JsonArray keys, LoginState state) {
    idTokens.validate(tokens.idToken(), keys, state, clock.instant());
    return tokens;
  }

  private void setSessionCookies(HttpServerResponse response, TokenResponse tokens) {
    // Build all first, so that a too-large token leaves no half-written session behind.
    List<String> values = new ArrayList<>();
    values.add(cookies.accessToken(tokens.accessToken(), accessTokenLifetime(tokens)));
    if (tokens.refreshToken() != null) {
      values.add(cookies.refreshToken(tokens.refreshToken(), tokens.refreshExpiresIn()));
    }
    if (tokens.idToken() != null) {
      try {
        values.add(cookies.idToken(tokens.idToken(), tokens.refreshExpiresIn()));
      } catch (CookieTooLargeException e) {
        // Only a logout hint: without it Keycloak asks the user to confirm the logout. Not worth failing a login.
        LOG.warn("ID token too large for a cookie; logout will ask the user to confirm ({})", e.getMessage());
      }
    }
    values.forEach(v -> response.headers().add("Set-Cookie", v));
  }

  private long accessTokenLifetime(TokenResponse tokens) {
    if (tokens.expiresIn() > 0) {
      return tokens.expiresIn();
    }
    Object exp = IdTokenValidator.unverifiedClaims(tokens.accessToken()).getValue("exp");
    return exp instanceof Number n ? Math.max(0, n.longValue() - clock.instant().getEpochSecond()) : 0;
  }

  private String withTokenFragment(String url, TokenResponse tokens) {
    return url + "#access_token=" + OidcClient.formEncode(tokens.accessToken()) + "&token_type=Bearer&expires_in="
        + accessTokenLifetime(tokens);
  }

  /** The checked target from ?redirect= (or the default); answers 400 itself and returns null when refused. */
  private Allowed requestedTarget(RoutingContext ctx) {
    List<String> values = ctx.queryParam("redirect");
    if (values.size() > 1) {
      JsonReplies.error(ctx, 400, "redirect_refused", "give exactly one redirect parameter");
      return null;
    }
    String requested = values.isEmpty() ? options.defaultRedirect() : values.get(0);
    RedirectTargets.Decision decision = targets.check(requested);
    if (decision instanceof Refused refused) {
      JsonReplies.error(ctx, 400, "redirect_refused", "redirect target refused: " + refused.message());
      return null;
    }
    return (Allowed) decision;
  }

  private static String singleParam(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    return values.size() == 1 ? values.get(0) : null;
  }

  /** Read like every other cookie of the gateway: from every Cookie header, refusing an ambiguous duplicate. */
  private static String cookieValue(RoutingContext ctx, String name) {
    return RequestCookies.single(ctx.request().headers().getAll("Cookie"), name);
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(302)
        .putHeader("Location", location)
        .putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "no-referrer")
        .end();
  }

  private static void seeOther(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303)
        .putHeader("Location", location)
        .putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "no-referrer")
        .end();
  }

  private void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof CookieTooLargeException tooLarge) {
      JsonReplies.error(ctx, 502, "token_too_large", "token too large for a cookie: " + tooLarge.getMessage());
    } else if (e instanceof OidcException oidcError && oidcError.kind() == OidcException.Kind.GRANT_REFUSED) {
      JsonReplies.error(ctx, 400, "login_failed", oidcError.getMessage()
          + ". The code may be used or expired: start again at /auth/login");
    } else if (e instanceof OidcException oidcError) {
      PROVIDER_LOG.warn("login " + oidcError.kind(), "Login answered 502: {}. {}", oidcError.getMessage(),
          oidcError.kind() == OidcException.Kind.UNREACHABLE
              ? "Check that Keycloak is up and reachable at " + options.issuer() + "."
              : "Check the login settings (login.clientId, its secret, the realm's client) against Keycloak.");
      JsonReplies.error(ctx, 502, "identity_provider_error", oidcError.getMessage());
    } else {
      LOG.error("login: unexpected failure", e);
      JsonReplies.error(ctx, 500, "internal_error", "the login failed unexpectedly; the gateway log has details");
    }
  }

  private String describe(LoginStateCodec.Reason reason) {
    return switch (reason) {
      case MISSING -> "no login is in progress in this browser (the login cookie is missing): start at /auth/login";
      case EXPIRED -> "the login took longer than " + options.loginStateTtl().toMinutes()
          + " minutes: start again at /auth/login";
      case MALFORMED, NOT_AUTHENTIC -> "the login cookie is not one this gateway issued: start again at /auth/login";
    };
  }

  private static JsonObject describe(VerifiedToken token) {
    return new JsonObject()
        .put("sub", token.subject())
        .put("username", token.username())
        .put("email", token.email())
        .put("roles", new JsonArray(List.copyOf(new TreeSet<>(token.roles()))))
        .put("permissions", new JsonArray(List.copyOf(new TreeSet<>(token.permissions()))))
        .put("exp", token.expiresAtEpochSecond());
  }
}
