package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.config.ProxySettings;
import dev.gatehouse.gateway.config.RouteConfig;
import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.forwarded.ClientOrigin;
import dev.gatehouse.gateway.forwarded.TrustedProxies;
import dev.gatehouse.gateway.http.Exchange;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.reply.ErrorReply;
import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.tls.UpstreamTls;
import dev.gatehouse.gateway.token.VerifiedToken;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last step of an allowed (or public) request: forwards it to the route's upstream with the authorised canonical
 * target and the identity contract, and turns upstream failures into the gateway's JSON answers (refused → 502,
 * silent past the route's timeout → 504, wait queue full → 503). Plain exchanges are piped by {@link Forwarding};
 * WebSocket handshakes go through {@link WebSocketProxy}. One instance per server verticle: its client pool and
 * in-flight list belong to that verticle's event loop.
 */
public final class GatewayProxy implements Handler<Exchange> {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayProxy.class);
  /** Shared by every verticle instance: one line per route and kind of failure per interval, not one per request. */
  private static final RateLimitedLog UPSTREAM_LOG = RateLimitedLog.of(LOG);

  private final Vertx vertx;
  private final HttpClient client;
  private final RouteTable routes;
  /** Per route and upstream URL, made on first use: stored services come and go while the gateway runs. */
  private final Map<RouteConfig, Upstream> upstreams = new HashMap<>();
  private final long connectTimeoutMillis;
  private final IdentityHeaderCache identityCache;
  private final UpstreamHeaders headers;
  private final GatewayMetrics metrics;
  private final TrustedProxies trustedProxies;
  private final UpstreamDates dates = new UpstreamDates();
  private final InFlight inFlight;
  private final WebSocketProxy webSockets;
  /** The proxy span and the upstream's traceparent (off: the client's traceparent goes through untouched). */
  private final GatewayTracing tracing;

  /** With the configured routes only, without tracing. */
  public GatewayProxy(Vertx vertx, ProxySettings config, GatewayMetrics metrics, RevocationGuard revocations) {
    this(vertx, config, metrics, revocations, RouteTable.fromConfig(config.routes()), GatewayTracing.off());
  }

  /**
   * @param revocations shared by the gateway's verticles; cuts exchanges and WebSockets whose token it refuses
   * @param routes      the live route table (configured routes plus stored services), shared by the verticles
   */
  public GatewayProxy(Vertx vertx, ProxySettings config, GatewayMetrics metrics, RevocationGuard revocations,
      RouteTable routes, GatewayTracing tracing) {
    this.vertx = vertx;
    this.tracing = tracing;
    this.routes = routes;
    this.connectTimeoutMillis = config.connectTimeoutMillis();
    IdentityHeaders identityHeaders = new IdentityHeaders(config.identityHeaderPrefix(),
        config.maxIdentityHeaderBytes());
    this.identityCache = new IdentityHeaderCache(identityHeaders);
    this.headers = new UpstreamHeaders(config.identityHeaderPrefix(), config.cookieName());
    this.metrics = metrics;
    this.trustedProxies = config.trustedProxies();
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions()
            .setConnectTimeout((int) config.connectTimeoutMillis())
            .setMaxHeaderSize(Math.max(config.maxHeaderBytes(), 16 * 1024))
            .setKeepAlive(true))
        .with(new PoolOptions()
            .setHttp1MaxSize(config.poolSize())
            .setMaxWaitQueueSize(config.maxWaitQueue()))
        .build();
    this.inFlight = new InFlight(revocations);
    inFlight.start(vertx);
    this.webSockets = new WebSocketProxy(vertx, client, headers, revocations.connections(), this);
  }

  @Override
  public void handle(Exchange exchange) {
    HttpServerRequest request = exchange.request();
    String path = exchange.target().path();
    RouteConfig route = routes.match(path);
    if (route == null && !routes.loaded()) {
      ErrorReply.unavailable(request, "The gateway has not loaded its services yet; try again shortly.");
      return;
    }
    if (route == null) {
      ErrorReply.notFound(request, "No service is routed at " + path + ".");
      return;
    }
    Upstream upstream = upstreams.get(route);
    if (upstream == null) {
      // First request to this route (or a stored service's new upstream) on this event loop.
      upstream = upstream(route);
      upstreams.put(route, upstream);
    }
    VerifiedToken token = exchange.token();
    Map<String, String> identity;
    try {
      identity = token == null ? Map.of() : identityCache.forToken(token);
    } catch (IdentityTooLargeException e) {
      UPSTREAM_LOG.warn("identity too large", "Not forwarding {} {}: {}", request.method(), path, e.getMessage());
      ErrorReply.send(request, 500, "identity_too_large", "Your identity is too large to forward to the service; "
          + "ask an administrator to reduce your permissions or raise identity.maxHeaderBytes.");
      return;
    }
    if (isWebSocketHandshake(request)) {
      webSockets.forward(exchange, upstream, identity);
      return;
    }
    Forwarding forwarding = new Forwarding(this, exchange, upstream, identity);
    inFlight.add(forwarding);
    request.response().closeHandler(v -> forwarding.clientGone());
    client.request(upstream.request(request.method(), exchange.target().pathAndQuery()))
        .onComplete(forwarding::connected);
  }

  /**
   * The request guard let only a clean {@code Upgrade: websocket} GET through, so any mention of websocket in
   * Upgrade here is a handshake.
   */
  private static boolean isWebSocketHandshake(HttpServerRequest request) {
    String upgrade = request.getHeader("Upgrade");
    return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
  }

  /** Stored services' https upstreams use the JDK's CAs (they have no CA file). */
  private Upstream upstream(RouteConfig route) {
    return new Upstream(route, route.tls() ? UpstreamTls.clientOptions(route.caFile()) : null, connectTimeoutMillis,
        metrics.upstreamTimer(route.prefix(), "response"));
  }

  public Future<Void> close() {
    inFlight.stop(vertx);
    return client.close();
  }

  UpstreamHeaders headers() {
    return headers;
  }

  GatewayTracing tracing() {
    return tracing;
  }

  InFlight inFlight() {
    return inFlight;
  }

  UpstreamDates dates() {
    return dates;
  }

  ClientOrigin originOf(HttpServerRequest request) {
    return trustedProxies.originOf(request);
  }

  static boolean bearer(Credential credential) {
    return credential != null && credential.source() == Credential.Source.BEARER_HEADER;
  }

  /** The upstream could not be reached or sent no head in time: the gateway's own JSON answer. */
  void upstreamFailed(Exchange exchange, Upstream upstream, Throwable cause, long nanos) {
    RouteConfig route = upstream.route();
    UpstreamFailures.Answer answer = UpstreamFailures.of(cause, route.prefix());
    metrics.upstreamLatency(route.prefix(), answer.outcome(), Duration.ofNanos(nanos));
    UpstreamFailures.log(UPSTREAM_LOG, route, answer, cause);
    GatewayTracing.upstreamAnswered(exchange.proxySpan(), 0, cause);
    if (exchange.audit() != null) {
      exchange.audit().upstreamAnswered(0, nanos);
    }
    ErrorReply.send(exchange.request(), answer.status(), answer.error(), answer.message());
  }
}
