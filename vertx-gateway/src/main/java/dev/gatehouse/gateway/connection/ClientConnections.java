package dev.gatehouse.gateway.connection;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.Http2ServerConnection;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's client connections, shared by its server instances: installs the strict decoder and the
 * {@link ClientConnectionGuard} on each new HTTP/1.x connection, carries the drain flag, and counts connections and
 * requests in flight for the drain's log lines.
 * <p>
 * Vert.x 5 offers no public hook into an HTTP server's Netty pipeline. The connection handler runs synchronously
 * while Vert.x sets the connection up, before its first byte is read, so the pipeline is changed there through
 * {@link Http1xServerConnection#channelHandlerContext()} (an internal class: the framing tests fail if an upgrade
 * changes it). HTTP/2 connections keep Vert.x's own framing (a drain sends them GOAWAY and lets their open streams
 * finish); they get the same idle timeout through {@link Http2IdleWatch}.
 */
public final class ClientConnections {
  private static final Logger LOG = LoggerFactory.getLogger(ClientConnections.class);
  static final String DECODER = "httpDecoder";
  static final String VERTX_HANDLER = "handler";
  static final String GUARD = "gatehouseConnectionGuard";

  private final ClientConnectionLimits limits;
  private final LongAdder open = new LongAdder();
  private final LongAdder inFlight = new LongAdder();
  private final LongAdder cutByDrain = new LongAdder();
  private volatile boolean draining;

  public ClientConnections(ClientConnectionLimits limits) {
    this.limits = limits;
  }

  /** Counts for the drain's log lines; read across threads, so approximate while requests come and go. */
  public record Counts(long openConnections, long requestsInFlight, long requestsCutByDrain) {}

  /** For {@code HttpServer.connectionHandler}: puts the checks of this package in front of Vert.x. */
  public void install(HttpConnection connection, HttpServerOptions options) {
    if (connection instanceof Http2ServerConnection http2) {
      installHttp2(http2);
      return;
    }
    if (!(connection instanceof Http1xServerConnection http1)) {
      return;
    }
    ChannelPipeline pipeline = http1.channelHandlerContext().pipeline();
    try {
      ClientConnectionGuard guard = new ClientConnectionGuard(this);
      pipeline.replace(DECODER, DECODER, new StrictRequestDecoder(options, guard));
      pipeline.addBefore(VERTX_HANDLER, GUARD, guard);
    } catch (RuntimeException e) {
      // Fail closed: without the checks this connection could be desynchronised from a front proxy.
      LOG.error("Cannot install the request framing checks on a client connection ({}); closing it. Vert.x's HTTP/1 "
          + "pipeline is not the one this gateway was built for.", e.toString());
      pipeline.channel().close();
    }
  }

  private void installHttp2(Http2ServerConnection connection) {
    ChannelPipeline pipeline = connection.channelHandlerContext().pipeline();
    Http2ConnectionHandler handler = pipeline.get(Http2ConnectionHandler.class);
    if (handler == null) {
      // Fail closed: without the idle timeout an abandoned connection would be held forever.
      LOG.error("Cannot install the idle timeout on an HTTP/2 client connection (no HTTP/2 handler in its pipeline); "
          + "closing it. Vert.x's HTTP/2 pipeline is not the one this gateway was built for.");
      pipeline.channel().close();
      return;
    }
    connectionOpened();
    pipeline.channel().closeFuture().addListener(closed -> connectionClosed());
    Http2IdleWatch.start(connection, handler.connection(), connection.channelHandlerContext(),
        limits.idleTimeout().toNanos());
  }

  /** From now on responses carry {@code Connection: close} and new requests on open connections get 503. */
  public void startDraining() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  public Counts counts() {
    return new Counts(open.sum(), inFlight.sum(), cutByDrain.sum());
  }

  ClientConnectionLimits limits() {
    return limits;
  }

  void connectionOpened() {
    open.increment();
  }

  void connectionClosed() {
    open.decrement();
  }

  void requestStarted() {
    inFlight.increment();
  }

  void requestEnded() {
    inFlight.decrement();
  }

  void requestCutByDrain() {
    cutByDrain.increment();
  }
}
