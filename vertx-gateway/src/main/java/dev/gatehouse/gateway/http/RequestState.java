package dev.gatehouse.gateway.http;

import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.ext.web.RoutingContext;

/** What the gateway has learned about a request so far, kept on its {@link RoutingContext}. */
public final class RequestState {
  private static final String TARGET = "gatehouse.target";
  private static final String CREDENTIAL = "gatehouse.credential";
  private static final String TOKEN = "gatehouse.token";

  private RequestState() {}

  /** The canonical target; set by {@link RequestGuard} on every request that gets past it. */
  public static RequestTarget target(RoutingContext ctx) {
    return ctx.get(TARGET);
  }

  static void target(RoutingContext ctx, RequestTarget target) {
    ctx.put(TARGET, target);
  }

  /** The credential that was verified, or null on a public route. */
  public static Credential credential(RoutingContext ctx) {
    return ctx.get(CREDENTIAL);
  }

  /** The verified token, or null on a public route. */
  public static VerifiedToken token(RoutingContext ctx) {
    return ctx.get(TOKEN);
  }

  static void authenticated(RoutingContext ctx, Credential credential, VerifiedToken token) {
    ctx.put(CREDENTIAL, credential);
    ctx.put(TOKEN, token);
  }
}
