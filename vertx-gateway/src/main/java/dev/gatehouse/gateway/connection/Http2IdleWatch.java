package dev.gatehouse.gateway.connection;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The idle timeout of one HTTP/2 client connection: with no stream open for the idle timeout, the connection is shut
 * down (GOAWAY, then close). A stream waiting on an upstream keeps it open however quiet the socket is, as on HTTP/1.1
 * (Vert.x's own {@code setIdleTimeout} counts socket silence and would cut such a request).
 * <p>
 * Confined to the connection's event loop; one scheduled task per connection, re-armed lazily.
 */
final class Http2IdleWatch extends Http2ConnectionAdapter implements Runnable {
  private final HttpConnection connection;
  private final Http2Connection streams;
  private final ChannelHandlerContext ctx;
  private final long idleTimeoutNanos;
  private long idleSince;
  private ScheduledFuture<?> timer;

  private Http2IdleWatch(HttpConnection connection, Http2Connection streams, ChannelHandlerContext ctx,
      long idleTimeoutNanos) {
    this.connection = connection;
    this.streams = streams;
    this.ctx = ctx;
    this.idleTimeoutNanos = idleTimeoutNanos;
  }

  /** Starts watching; {@code streams} is Netty's view of the connection that Vert.x's handler drives. */
  static void start(HttpConnection connection, Http2Connection streams, ChannelHandlerContext ctx,
      long idleTimeoutNanos) {
    Http2IdleWatch watch = new Http2IdleWatch(connection, streams, ctx, idleTimeoutNanos);
    streams.addListener(watch);
    watch.idleSince = System.nanoTime();
    watch.arm(idleTimeoutNanos);
    ctx.channel().closeFuture().addListener(closed -> watch.cancel());
  }

  @Override
  public void onStreamClosed(Http2Stream stream) {
    if (streams.numActiveStreams() == 0) {
      idleSince = System.nanoTime();
    }
  }

  @Override
  public void run() {
    timer = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    if (streams.numActiveStreams() > 0) {
      arm(idleTimeoutNanos);
      return;
    }
    long idleFor = System.nanoTime() - idleSince;
    if (idleFor >= idleTimeoutNanos) {
      // GOAWAY first: a request the client sent meanwhile is refused, so the client may retry it elsewhere.
      connection.shutdown(0, TimeUnit.SECONDS);
    } else {
      arm(idleTimeoutNanos - idleFor);
    }
  }

  private void arm(long delayNanos) {
    timer = ctx.executor().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
