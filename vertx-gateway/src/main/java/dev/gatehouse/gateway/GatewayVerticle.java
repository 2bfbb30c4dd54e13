package dev.gatehouse.gateway;

import dev.gatehouse.gateway.config.ProxySettings;
import dev.gatehouse.gateway.config.ServerSettings;
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
  private final ServerSettings serverSettings;
  private final ProxySettings proxySettings;
  private final GatewayRoutes.Parts parts;
  private final ClientConnections connections;
  private final RouteTable routes;
  private HttpServer server;
  private GatewayProxy proxy;
  private WebClient loginClient;
  private ServerTls tls;

  /** A gateway of one server instance, on the configured routes only. */
  public GatewayVerticle(ServerSettings serverSettings, ProxySettings proxySettings, GatewayRoutes.Parts parts) {
    this(serverSettings, proxySettings, parts, new ClientConnections(serverSettings.connectionLimits()),
        RouteTable.fromConfig(proxySettings.routes()));
  }

  /**
   * {@code connections} is shared by all instances of one gateway (drain flag, counts); {@code routes} is the
   * gateway's live route table, shared by all instances.
   */
  public GatewayVerticle(ServerSettings serverSettings, ProxySettings proxySettings, GatewayRoutes.Parts parts,
      ClientConnections connections, RouteTable routes) {
    this.serverSettings = serverSettings;
    this.proxySettings = proxySettings;
    this.parts = parts;
    this.connections = connections;
    this.routes = routes;
  }

  @Override
  public Future<?> start() {
    proxy = new GatewayProxy(vertx, proxySettings, parts.metrics(), parts.revocations(), routes, parts.tracing());
    HttpServerOptions options = new HttpServerOptions()
        .setHost(serverSettings.host())
        .setPort(serverSettings.port())
        .setMaxHeaderSize(serverSettings.maxHeaderBytes())
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
    HstsHandler hsts = serverSettings.tls().hstsHeader() == null ? null
        : new HstsHandler(serverSettings.tls().hstsHeader(), proxySettings.trustedProxies());
    RequestPipeline router = GatewayRoutes.create(vertx, parts, proxy, loginClient, hsts);
    if (!serverSettings.tls().terminates()) {
      server = vertx.createHttpServer(options)
          // Strict framing, head and idle timeouts, drain behaviour: see the connection package.
          .connectionHandler(connection -> connections.install(connection, options))
          .requestHandler(router);
      return server.listen();
    }
    return ServerTls.load(vertx, serverSettings.tls()).compose(loaded -> {
      tls = loaded;
      HttpServerOptions secured = tls.applyTo(options, serverSettings.maxHeaderBytes());
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
        : server.shutdown(serverSettings.shutdownTimeoutMillis(), TimeUnit.MILLISECONDS);
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
