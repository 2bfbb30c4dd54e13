package dev.gatehouse.gateway;

import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.connection.ClientConnections;
import dev.gatehouse.gateway.http.RequestPipeline;
import dev.gatehouse.gateway.proxy.GatewayProxy;
import dev.gatehouse.gateway.proxy.RouteTable;
import dev.gatehouse.gateway.tls.HstsHandler;
import dev.gatehouse.gateway.tls.ServerTls;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server instance of the gateway. Deploy one per event loop; they share the listening port, the
 * verifier, the policy and the metrics, while each owns its upstream client pool.
 */
public final class GatewayVerticle extends VerticleBase {
  private final GatewayConfig config;
  private final GatewayRoutes.Parts parts;
  private final ClientConnections connections;
  private final RouteTable routes;
  private HttpServer server;
  private GatewayProxy proxy;
  private WebClient loginClient;
  private ServerTls tls;

  public GatewayVerticle(GatewayConfig config, GatewayRoutes.Parts parts) {
    this(config, parts, new ClientConnections(config.connectionLimits()));
  }

  /** {@code connections} is shared by all instances of one gateway (drain flag, counts). */
  public GatewayVerticle(GatewayConfig config, GatewayRoutes.Parts parts, ClientConnections connections) {
    this(config, parts, connections, RouteTable.fromConfig(config.routes()));
  }

  /** {@code routes}: the gateway's live route table, shared by all instances. */
  public GatewayVerticle(GatewayConfig config, GatewayRoutes.Parts parts, ClientConnections connections,
      RouteTable routes) {
    this.config = config;
    this.parts = parts;
    this.connections = connections;
    this.routes = routes;
  }

  @Override
  public Future<?> start() {
    proxy = new GatewayProxy(vertx, config.proxy(), parts.metrics(), parts.revocations(), routes, parts.tracing());
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.listenHost())
        .setPort(config.listenPort())
        .setMaxHeaderSize(config.maxHeaderBytes())
        .setMaxInitialLineLength(16 * 1024)
        .setCompressionSupported(false)
        // WebSockets are tunnelled raw between client and upstream, never terminated here: Vert.x's extension
        // negotiation would only add a handler to every connection's pipeline.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // No cleartext HTTP/2 upgrade: one protocol to parse and police (HTTP/2 belongs with TLS, via ALPN).
        .setHttp2ClearTextEnabled(false);
    if (parts.login() != null) {
      loginClient = WebClient.create(vertx, new WebClientOptions()
          .setConnectTimeout((int) parts.login().httpTimeoutMillis())
          .setUserAgent("gatehouse-gateway"));
    }
    HstsHandler hsts = config.tls().hstsHeader() == null ? null
        : new HstsHandler(config.tls().hstsHeader(), config.trustedProxies());
    RequestPipeline router = GatewayRoutes.create(vertx, parts, proxy, loginClient, hsts);
    if (!config.tls().terminates()) {
      server = vertx.createHttpServer(options)
          // Strict framing, head and idle timeouts, drain behaviour: see the connection package.
          .connectionHandler(connection -> connections.install(connection, options))
          .requestHandler(router);
      return server.listen();
    }
    return ServerTls.load(vertx, config.tls()).compose(loaded -> {
      tls = loaded;
      HttpServerOptions secured = tls.applyTo(options, config.maxHeaderBytes());
      server = vertx.createHttpServer(secured)
          .connectionHandler(connection -> connections.install(connection, secured))
          .requestHandler(router);
      return server.listen().onSuccess(listening -> tls.watch(vertx, listening));
    });
  }

  /**
   * Stops accepting, lets in-flight requests finish (bounded by the shutdown timeout) with {@code Connection: close}
   * on their responses, then closes the pool.
   */
  @Override
  public Future<?> stop() {
    connections.startDraining();
    if (tls != null) {
      tls.stop(vertx);
    }
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(config.shutdownTimeoutMillis(), TimeUnit.MILLISECONDS);
    return drained
        .eventually(() -> proxy == null ? Future.succeededFuture() : proxy.close())
        .eventually(() -> {
          if (loginClient != null) {
            loginClient.close();
          }
          return Future.succeededFuture();
        });
  }

  public int actualPort() {
    return server.actualPort();
  }
}
