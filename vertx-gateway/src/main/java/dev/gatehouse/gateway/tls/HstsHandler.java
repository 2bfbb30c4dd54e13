package dev.gatehouse.gateway.tls;

import dev.gatehouse.gateway.forwarded.TrustedProxies;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Adds {@code Strict-Transport-Security} to every answer the client received over HTTPS: over the gateway's own
 * TLS, or over a trusted proxy's that says so. Never over plain HTTP, where browsers ignore it (RFC 6797 section
 * 8.1) and where it would only advertise a promise nobody keeps.
 */
public final class HstsHandler implements Handler<RoutingContext> {
  private final String headerValue;
  private final TrustedProxies trustedProxies;

  public HstsHandler(String headerValue, TrustedProxies trustedProxies) {
    this.headerValue = headerValue;
    this.trustedProxies = trustedProxies;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (trustedProxies.schemeOf(ctx.request()).equals("https")) {
      // At the end, so that neither an upstream's header nor an error answer replaces it.
      ctx.addHeadersEndHandler(v -> ctx.response().headers().set("Strict-Transport-Security", headerValue));
    }
    ctx.next();
  }

  /** The same for a request handled without Vert.x Web (the gateway's request pipeline). */
  public void apply(HttpServerRequest request) {
    if (trustedProxies.schemeOf(request).equals("https")) {
      HttpServerResponse response = request.response();
      response.headersEndHandler(v -> response.headers().set("Strict-Transport-Security", headerValue));
    }
  }
}
