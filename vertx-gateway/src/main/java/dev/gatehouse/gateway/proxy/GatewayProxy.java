package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.audit.RequestAudit;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.RouteConfig;
import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.forwarded.ClientOrigin;
import dev.gatehouse.gateway.forwarded.TrustedProxies;
import dev.gatehouse.gateway.http.ErrorResponses;
import dev.gatehouse.gateway.http.RequestState;
import dev.gatehouse.gateway.http.RequestTarget;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.revocation.LiveConnections;
import dev.gatehouse.gateway.tls.UpstreamTls;
import dev.gatehouse.gateway.token.VerifiedToken;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of an allowed (or public) request: forwards it to the route's upstream with the authorised
 * canonical target and the identity contract, and turns upstream failures into the gateway's JSON answers
 * (refused → 502, silent past the route's timeout → 504, wait queue full → 503).
 * One instance per server verticle: its client pool and plan map belong to that verticle's event loop.
 */
public final class GatewayProxy implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayProxy.class);
  /** Shared by every verticle instance: one line per route and kind of failure per interval, not one per request. */
  private static final RateLimitedLog UPSTREAM_LOG = RateLimitedLog.of(LOG);
  /** Ways to make an upstream run a different method than the one the gateway authorised. */
  static final List<String> METHOD_OVERRIDES = List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");
  /** Overwritten, never appended to: the gateway is where the trust boundary starts (see the README). */
  static final List<String> FORWARDING = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Proto",
      "X-Forwarded-Host", "X-Forwarded-Port", "X-Real-IP");

  private final Vertx vertx;
  private final HttpClient client;
  private final HttpProxy proxy;
  private final UpstreamRoutes routes;
  private final IdentityHeaders identityHeaders;
  private final IdentityHeaderCache identityCache;
  private final String cookieName;
  private final long connectTimeoutMillis;
  private final GatewayMetrics metrics;
  private final UpstreamDates upstreamDates = new UpstreamDates();
  private final TrustedProxies trustedProxies;
  /** Per https route prefix: the CA bundle and hostname check its upstream's certificate must pass. */
  private final Map<String, ClientSSLOptions> upstreamTls = new HashMap<>();
  /** Hands each request's plan from the router to the proxy's callbacks; entries leave when the request ends. */
  private final Map<HttpServerRequest, ForwardPlan> plans = new WeakHashMap<>();
  /** WebSockets and responses in flight, each closed when the token that authorised it expires or is revoked. */
  private final LiveConnections connections;
  private final RequestAudit audit;
  private final GatewayTracing tracing;

  /** {@code connections}: shared by the gateway's verticles, closed by its revocation guard (see LiveConnections). */
  public GatewayProxy(Vertx vertx, GatewayConfig config, GatewayMetrics metrics, LiveConnections connections) {
    this(vertx, config, metrics, connections, RequestAudit.off(), GatewayTracing.off());
  }

  /** With the decision audit trail (upstream status and latency) and tracing (the proxy span, traceparent). */
  public GatewayProxy(Vertx vertx, GatewayConfig config, GatewayMetrics metrics, LiveConnections connections,
      RequestAudit audit, GatewayTracing tracing) {
    this.audit = audit;
    this.tracing = tracing;
    this.vertx = vertx;
    this.connections = connections;
    this.routes = new UpstreamRoutes(config.routes());
    this.identityHeaders = new IdentityHeaders(config.identityHeaderPrefix(), config.maxIdentityHeaderBytes());
    this.identityCache = new IdentityHeaderCache(identityHeaders);
    this.cookieName = config.cookieName();
    this.connectTimeoutMillis = config.upstreamConnectTimeoutMillis();
    this.metrics = metrics;
    this.trustedProxies = config.trustedProxies();
    for (RouteConfig route : config.routes()) {
      if (route.tls()) {
        upstreamTls.put(route.prefix(), UpstreamTls.clientOptions(route.caFile()));
      }
    }
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions()
            .setConnectTimeout((int) config.upstreamConnectTimeoutMillis())
            .setMaxHeaderSize(Math.max(config.maxHeaderBytes(), 16 * 1024))
            .setKeepAlive(true))
        .with(new PoolOptions()
            .setHttp1MaxSize(config.upstreamPoolSize())
            .setMaxWaitQueueSize(config.upstreamMaxWaitQueue()))
        .build();
    // No cache options: a cached response could be served to another user.
    this.proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client)
        .origin(this::openUpstreamRequest)
        .addInterceptor(new ForwardingInterceptor(), true);
  }

  @Override
  public void handle(RoutingContext ctx) {
    RequestTarget target = RequestState.target(ctx);
    RouteConfig route = routes.match(target.path()).orElse(null);
    if (route == null) {
      ErrorResponses.notFound(ctx, "No service is routed at " + target.path() + ".");
      return;
    }
    VerifiedToken token = RequestState.token(ctx);
    Map<String, String> identity;
    try {
      identity = token == null ? Map.of() : identityCache.forToken(token);
    } catch (IdentityTooLargeException e) {
      UPSTREAM_LOG.warn("identity too large", "Not forwarding {} {}: {}", ctx.request().method(), target.path(),
          e.getMessage());
      ErrorResponses.send(ctx, 500, "identity_too_large", "Your identity is too large to forward to the service; "
          + "ask an administrator to reduce your permissions or raise identity.maxHeaderBytes.");
      return;
    }
    HttpServerRequest request = ctx.request();
    String host = request.authority() == null ? null : request.authority().toString();
    ClientOrigin origin = trustedProxies.originOf(request);
    UpstreamSilence silence = new UpstreamSilence(vertx, route.timeoutMillis());
    plans.put(request, new ForwardPlan(route, target.pathAndQuery(), identity, RequestState.credential(ctx),
        origin.forwardedFor(), origin.scheme(), host, ctx, silence));
    // A WebSocket is bound to its token once upgraded (see WebSocketTunnel). Plain exchanges are not registered: a
    // timer and a shared-map entry per request would cost more than the revocation check itself, for the rare
    // response that outlives its token (a known limit, see docs/operations.md).
    ctx.addEndHandler(done -> {
      plans.remove(request);
      silence.finish();
    });
    proxy.handle(request);
  }

  public Future<Void> close() {
    return client.close();
  }

  private Future<HttpClientRequest> openUpstreamRequest(ProxyContext context) {
    ForwardPlan plan = plans.get(context.request().proxiedRequest());
    if (plan == null) {
      return Future.failedFuture("no forwarding plan for this request");
    }
    RouteConfig route = plan.route();
    RequestOptions options = new RequestOptions()
        .setServer(SocketAddress.inetSocketAddress(route.upstreamPort(), route.upstream().getHost()))
        .setHost(route.upstream().getHost())
        .setPort(route.upstreamPort())
        .setSsl(route.tls())
        .setSslOptions(route.tls() ? upstreamTls.get(route.prefix()) : null)
        .setConnectTimeout(connectTimeoutMillis);
    // After a WebSocket upgrade the proxy keeps no handler on the request, so a normal close would be logged as
    // an error; failures that matter reach the proxy through its futures.
    return context.client().request(options)
        .onSuccess(request -> {
          request.exceptionHandler(e -> LOG.debug("Upstream connection ended: {}", e.toString()));
          if (!context.isWebSocket()) {
            // Silence in both directions, not total time: slow but flowing uploads and downloads are fine.
            plan.silence().start(request);
          }
        });
  }

  private final class ForwardingInterceptor implements ProxyInterceptor {
    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
      ProxyRequest request = context.request();
      ForwardPlan plan = plans.get(request.proxiedRequest());
      if (plan == null) {
        return Future.succeededFuture(answer(request, 500, "internal_error", "The request lost its forwarding plan."));
      }
      rewrite(request, plan);
      tracing.forwarding(plan.context(), request.headers());
      Body body = request.getBody();
      if (body != null && !context.isWebSocket()) {
        request.setBody(Body.body(plan.silence().watch(body.stream(), false), body.length(), body.mediaType()));
      }
      long started = System.nanoTime();
      return context.sendRequest().transform(result -> {
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (result.succeeded()) {
          metrics.upstreamLatency(plan.route().prefix(), "response", took);
          int status = result.result().getStatusCode();
          tracing.upstreamAnswered(plan.context(), status, null);
          audit.upstreamAnswered(plan.context(), status, took.toNanos());
          return Future.succeededFuture(result.result());
        }
        tracing.upstreamAnswered(plan.context(), 0, result.cause());
        audit.upstreamAnswered(plan.context(), 0, took.toNanos());
        plan.silence().finish();
        UpstreamFailures.Answer answer = UpstreamFailures.of(result.cause(), plan.route().prefix());
        metrics.upstreamLatency(plan.route().prefix(), answer.outcome(), took);
        UpstreamFailures.log(UPSTREAM_LOG, plan.route(), answer, result.cause());
        return Future.succeededFuture(answer(request, answer.status(), answer.error(), answer.message()));
      });
    }

    @Override
    public Future<Void> handleProxyResponse(ProxyContext context) {
      if (context.isWebSocket()) {
        return sendUpgrade(context);
      }
      ProxyResponse response = context.response();
      ForwardPlan watched = context.isWebSocket() ? null : plans.get(context.request().proxiedRequest());
      Body body = response.getBody();
      if (watched != null && body != null) {
        response.setBody(Body.body(watched.silence().watch(body.stream(), true), body.length(), body.mediaType()));
      }
      MultiMap headers = response.headers();
      String upstreamDate = headers.get(HttpHeaders.DATE);
      // With a Warning header the library compares dates itself: leave that rare case to it.
      if (upstreamDate != null && !context.isWebSocket() && !headers.contains("Warning")) {
        ForwardPlan plan = plans.get(context.request().proxiedRequest());
        String forwarded = upstreamDates.forwarded(upstreamDate);
        if (plan != null && forwarded != null) {
          // Without a Date to parse the library stamps the current time; the upstream's goes back in at the end.
          headers.remove(HttpHeaders.DATE);
          HttpServerResponse out = plan.context().response();
          plan.context().addHeadersEndHandler(v -> out.headers().set(HttpHeaders.DATE, forwarded));
        }
      }
      return context.sendResponse();
    }

    /** The proxy answers the client and joins the two sockets; then the tunnel takes them over, bound to the token. */
    private Future<Void> sendUpgrade(ProxyContext context) {
      HttpServerRequest request = context.request().proxiedRequest();
      ForwardPlan plan = plans.get(request);
      VerifiedToken token = plan == null ? null : RequestState.token(plan.context());
      boolean upgraded = context.response().getStatusCode() == 101;
      Future<Void> sent = context.sendResponse();
      if (upgraded && token != null) {
        NetSocket upstream = context.response().proxiedResponse().netSocket();
        // The same socket the proxy just asked for; this listener runs after the proxy's, replacing its handlers.
        request.toNetSocket().onSuccess(client -> WebSocketTunnel.open(vertx, client, upstream, token, connections));
      }
      return sent;
    }

    private void rewrite(ProxyRequest request, ForwardPlan plan) {
      request.setURI(plan.pathAndQuery());
      // The upstream is addressed by its own name (virtual hosts, TLS); the client's Host goes in X-Forwarded-Host.
      RouteConfig route = plan.route();
      request.setAuthority(HostAndPort.create(route.upstream().getHost(), route.upstreamPort()));
      MultiMap headers = request.headers();
      identityHeaders.stripInbound(headers);
      plan.identity().forEach(headers::set);
      stripCookie(headers);
      if (plan.credential() != null && plan.credential().source() == Credential.Source.BEARER_HEADER) {
        headers.remove(HttpHeaders.AUTHORIZATION);
      }
      METHOD_OVERRIDES.forEach(headers::remove);
      FORWARDING.forEach(headers::remove);
      if (plan.clientAddress() != null) {
        headers.set("X-Forwarded-For", plan.clientAddress());
      }
      headers.set("X-Forwarded-Proto", plan.scheme() == null ? "http" : plan.scheme());
      if (plan.host() != null) {
        headers.set("X-Forwarded-Host", plan.host());
      }
    }

    private void stripCookie(MultiMap headers) {
      List<String> values = headers.getAll(HttpHeaders.COOKIE);
      if (values.isEmpty()) {
        return;
      }
      headers.remove(HttpHeaders.COOKIE);
      // One Cookie header upstream (RFC 9113 section 8.2.3: HTTP/2 clients may split cookies over several fields).
      StringBuilder joined = new StringBuilder();
      for (String value : values) {
        String kept = CookieHeaders.without(value, cookieName);
        if (kept != null) {
          joined.append(joined.isEmpty() ? "" : "; ").append(kept);
        }
      }
      if (!joined.isEmpty()) {
        headers.set(HttpHeaders.COOKIE, joined.toString());
      }
    }

    private ProxyResponse answer(ProxyRequest request, int status, String error, String message) {
      Buffer body = Buffer.buffer(ErrorResponses.body(error, message));
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
