package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.http.Exchange;
import dev.gatehouse.gateway.reply.ErrorReply;
import dev.gatehouse.gateway.revocation.LiveConnections;
import dev.gatehouse.gateway.token.VerifiedToken;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetSocket;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.util.IdentityHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebSocket handshakes, through vertx-http-proxy (which knows how to join the two sockets after a 101); once
 * upgraded, {@link WebSocketTunnel} relays the bytes, bound to the token that authorised the handshake. Rare next to
 * plain exchanges, so the library's per-request cost does not matter here. One per server verticle.
 */
final class WebSocketProxy {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketProxy.class);

  /** What a handshake is forwarded with; it moves from the map to the proxy's context as the handshake starts. */
  private record Handshake(Exchange exchange, Upstream upstream, Map<String, String> identity) {}

  private static final String HANDSHAKE = "gatehouse.handshake";

  private final Vertx vertx;
  private final HttpProxy proxy;
  private final UpstreamHeaders headers;
  private final LiveConnections connections;
  private final GatewayProxy gateway;
  private final Map<HttpServerRequest, Handshake> handshakes = new IdentityHashMap<>();

  WebSocketProxy(Vertx vertx, HttpClient client, UpstreamHeaders headers, LiveConnections connections,
      GatewayProxy gateway) {
    this.vertx = vertx;
    this.headers = headers;
    this.connections = connections;
    this.gateway = gateway;
    // No cache options: a cached response could be served to another user.
    this.proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client)
        .origin(this::openUpstreamRequest)
        .addInterceptor(new HandshakeInterceptor(), true);
  }

  void forward(Exchange exchange, Upstream upstream, Map<String, String> identity) {
    HttpServerRequest request = exchange.request();
    handshakes.put(request, new Handshake(exchange, upstream, identity));
    try {
      proxy.handle(request);
    } finally {
      // The interceptor took it already (it runs within handle); never leave an entry behind.
      handshakes.remove(request);
    }
  }

  private Future<HttpClientRequest> openUpstreamRequest(ProxyContext context) {
    Handshake handshake = context.get(HANDSHAKE, Handshake.class);
    if (handshake == null) {
      return Future.failedFuture("no forwarding plan for this handshake");
    }
    // After the upgrade the proxy keeps no handler on the request, so a normal close would be logged as an error.
    return context.client().request(handshake.upstream().request(context.request().getMethod(),
            handshake.exchange().target().pathAndQuery()))
        .onSuccess(request -> request.exceptionHandler(e -> LOG.debug("Upstream connection ended: {}", e.toString())));
  }

  private final class HandshakeInterceptor implements ProxyInterceptor {
    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
      ProxyRequest request = context.request();
      Handshake handshake = handshakes.remove(request.proxiedRequest());
      if (handshake == null) {
        return Future.succeededFuture(answer(request, 500, "internal_error", "The request lost its forwarding plan."));
      }
      context.set(HANDSHAKE, handshake);
      Exchange exchange = handshake.exchange();
      request.setURI(exchange.target().pathAndQuery());
      var route = handshake.upstream().route();
      request.setAuthority(HostAndPort.create(route.upstream().getHost(), route.upstreamPort()));
      HttpServerRequest client = request.proxiedRequest();
      headers.removeGatewayOwned(request.headers(), GatewayProxy.bearer(exchange.credential()));
      headers.addGatewayHeaders(client.headers(), request.headers(), handshake.identity(), gateway.originOf(client),
          client.authority() == null ? null : client.authority().toString());
      if (gateway.tracing().enabled()) {
        exchange.proxySpan(gateway.tracing().forwarding(exchange.serverSpan(), client, request.headers()));
      }
      long started = System.nanoTime();
      return context.sendRequest().transform(result -> {
        long took = System.nanoTime() - started;
        if (result.succeeded()) {
          handshake.upstream().responded(took);
          int status = result.result().getStatusCode();
          GatewayTracing.upstreamAnswered(exchange.proxySpan(), status, null);
          if (exchange.audit() != null) {
            exchange.audit().upstreamAnswered(status, took);
          }
          return Future.succeededFuture(result.result());
        }
        GatewayTracing.upstreamAnswered(exchange.proxySpan(), 0, result.cause());
        if (exchange.audit() != null) {
          exchange.audit().upstreamAnswered(0, took);
        }
        UpstreamFailures.Answer answer = UpstreamFailures.of(result.cause(), route.prefix());
        return Future.succeededFuture(answer(request, answer.status(), answer.error(), answer.message()));
      });
    }

    /** The proxy answers the client and joins the two sockets; then the tunnel takes them over, bound to the token. */
    @Override
    public Future<Void> handleProxyResponse(ProxyContext context) {
      HttpServerRequest request = context.request().proxiedRequest();
      Handshake handshake = context.get(HANDSHAKE, Handshake.class);
      VerifiedToken token = handshake == null ? null : handshake.exchange().token();
      boolean upgraded = context.response().getStatusCode() == 101;
      Future<Void> sent = context.sendResponse();
      if (upgraded && token != null) {
        NetSocket upstream = context.response().proxiedResponse().netSocket();
        // The same socket the proxy just asked for; this listener runs after the proxy's, replacing its handlers.
        request.toNetSocket().onSuccess(client -> WebSocketTunnel.open(vertx, client, upstream, token, connections));
      }
      return sent;
    }

    private ProxyResponse answer(ProxyRequest request, int status, String error, String message) {
      Buffer body = Buffer.buffer(ErrorReply.body(error, message));
      ProxyResponse response = request.response().release()
          .setStatusCode(status)
          .setBody(Body.body(body, MediaType.APPLICATION_JSON));
      response.headers().clear();
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length()))
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
      return response;
    }
  }
}
