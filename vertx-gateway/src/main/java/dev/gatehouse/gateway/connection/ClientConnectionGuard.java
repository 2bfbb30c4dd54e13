package dev.gatehouse.gateway.connection;

import dev.gatehouse.gateway.reply.ErrorReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sits between Netty's HTTP codec and Vert.x on one HTTP/1.x client connection and enforces what Vert.x does not:
 * <ul>
 *   <li>framing the decoder refused is answered with one JSON 400 (414/431 for oversized heads) and a close;</li>
 *   <li>one request at a time: a request sent before the previous response completed (pipelining) is not
 *       processed, and the connection closes after that response, with {@code Connection: close} when still
 *       possible (bytes after a refused request can never become a request of their own);</li>
 *   <li>the request head must arrive within the head timeout (else 408 and close), and a connection with no
 *       request for the idle timeout is closed;</li>
 *   <li>during a drain every response carries {@code Connection: close} and the connection closes after it; a new
 *       request on an idle connection gets 503 with {@code Connection: close} instead of a reset.</li>
 * </ul>
 * All state is confined to the connection's event loop. Timers cost one scheduled task per connection, re-armed
 * lazily (as Netty's IdleStateHandler does), so a fast request/response cycle schedules nothing.
 */
final class ClientConnectionGuard extends ChannelDuplexHandler implements Runnable {
  /**
   * How long a closing connection keeps reading (and discarding) after its last response. Closing a socket with
   * unread bytes sends a TCP reset, which can destroy that response at the client before it is read (RFC 9112
   * section 9.6 recommends this staged close).
   */
  static final long LINGER_MILLIS = 2_000;

  private final ClientConnections shared;
  private final long headTimeoutNanos;
  private final long idleTimeoutNanos;
  private ChannelHandlerContext ctx;

  /** A request was handed to Vert.x and its response has not been written completely. */
  private boolean requestInFlight;
  private boolean requestBodyDone = true;
  private boolean responseHeadWritten;
  /** The current response is the connection's last: it carries (or carried) {@code Connection: close}. */
  private boolean closeAfterResponse;
  /** Nothing more is read: a refusal, a pipelined request or a close is under way. */
  private boolean discarding;
  /** The guard answered itself; whatever Vert.x still writes is dropped. */
  private boolean answered;
  private boolean lingering;

  private long idleSince;
  /** When the current request head started to arrive (System.nanoTime), or 0. */
  private long headSince;
  private ScheduledFuture<?> timer;
  private long timerDeadline;

  ClientConnectionGuard(ClientConnections shared) {
    this.shared = shared;
    this.headTimeoutNanos = shared.limits().requestHeadTimeout().toNanos();
    this.idleTimeoutNanos = shared.limits().idleTimeout().toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    shared.connectionOpened();
    ctx.channel().closeFuture().addListener(closed -> connectionClosed());
    idleSince = System.nanoTime();
    arm(idleSince + idleTimeoutNanos);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (discarding) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      headSince = 0;
      if (request.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        refuse(request.decoderResult().cause());
        return;
      }
      if (requestInFlight) {
        // Pipelined: answering it would need Vert.x to keep reading after a response that may say close.
        ReferenceCountUtil.release(msg);
        discarding = true;
        closeAfterResponse = true;
        return;
      }
      if (shared.draining()) {
        ReferenceCountUtil.release(msg);
        answerAndClose(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down", "This gateway instance is shutting "
            + "down; send the request again on a new connection.");
        return;
      }
      requestInFlight = true;
      requestBodyDone = msg instanceof LastHttpContent;
      responseHeadWritten = false;
      shared.requestStarted();
      ctx.fireChannelRead(msg);
      return;
    }
    if (msg instanceof HttpContent content) {
      if (content.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        refuse(content.decoderResult().cause());
        return;
      }
      if (msg instanceof LastHttpContent) {
        requestBodyDone = true;
        if (!requestInFlight) {
          idleSince = System.nanoTime();
        }
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (answered) {
      ReferenceCountUtil.release(msg);
      promise.setSuccess();
      return;
    }
    boolean informational = false;
    if (msg instanceof HttpResponse response) {
      int status = response.status().code();
      if (status == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        upgraded(ctx, msg, promise);
        return;
      }
      informational = status < 200;
      if (!informational) {
        responseHeadWritten = true;
        if (closeAfterResponse || shared.draining()) {
          response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        closeAfterResponse |= response.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE,
            true);
      }
    }
    if (msg instanceof LastHttpContent && !informational && requestInFlight && responseHeadWritten) {
      responseCompleted();
      if (closeAfterResponse || shared.draining()) {
        // RFC 9112 section 9.6: after a response with "close", read no further request and close.
        discarding = true;
        ctx.write(msg, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
        return;
      }
    }
    ctx.write(msg, promise);
  }

  /**
   * Every server-side close of a live connection is staged: flush, send FIN, read and discard what the client still
   * sends until it closes too or {@link #LINGER_MILLIS} passed, then close.
   */
  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (lingering || !(ctx.channel() instanceof DuplexChannel duplex) || !ctx.channel().isActive()
        || duplex.isOutputShutdown()) {
      ctx.close(promise);
      return;
    }
    lingering = true;
    discarding = true;
    answered = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    ChannelPromise closed = promise.unvoid();
    ctx.channel().closeFuture().addListener(done -> closed.trySuccess());
    // Written after everything already queued, so the FIN follows the last response byte.
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> {
      if (!flushed.isSuccess()) {
        ctx.close(closed);
        return;
      }
      duplex.shutdownOutput().addListener(shut -> {
        ctx.channel().config().setAutoRead(true);
        ctx.executor().schedule(() -> {
          ctx.close(closed);
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
      });
    });
  }

  /** Called by the decoder when it holds part of a request head. */
  void headIncomplete() {
    if (headSince != 0 || requestInFlight || discarding) {
      return;
    }
    headSince = System.nanoTime();
    arm(headSince + headTimeoutNanos);
  }

  /** The timer: checks the deadline of whatever the connection is waiting for, re-arms for the rest. */
  @Override
  public void run() {
    timer = null;
    if (discarding || !ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    if (busy()) {
      arm(now + idleTimeoutNanos);
    } else if (headSince != 0) {
      if (now - headSince >= headTimeoutNanos) {
        answerAndClose(HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout", "The request line and headers did not "
            + "arrive within " + TimeUnit.NANOSECONDS.toSeconds(headTimeoutNanos) + " s.");
      } else {
        arm(headSince + headTimeoutNanos);
      }
    } else if (now - idleSince >= idleTimeoutNanos) {
      // An idle connection may be closed at any time (RFC 9112 section 9.8); no answer is owed.
      discarding = true;
      ctx.close();
    } else {
      arm(idleSince + idleTimeoutNanos);
    }
  }

  private boolean busy() {
    return requestInFlight || !requestBodyDone;
  }

  private void responseCompleted() {
    requestInFlight = false;
    responseHeadWritten = false;
    shared.requestEnded();
    idleSince = System.nanoTime();
  }

  private void arm(long deadline) {
    if (timer != null) {
      if (timerDeadline <= deadline) {
        return; // it fires earlier and re-arms for the rest
      }
      timer.cancel(false);
    }
    timerDeadline = deadline;
    timer = ctx.executor().schedule(this, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** After a WebSocket upgrade the connection is no longer HTTP/1: the guard steps out. */
  private void upgraded(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (requestInFlight) {
      requestInFlight = false;
      shared.requestEnded();
    }
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    ctx.write(msg, promise);
    ctx.pipeline().remove(this);
  }

  private void refuse(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      answerAndClose(HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long", "The request line is too long.");
    } else if (cause instanceof TooLongHttpHeaderException) {
      answerAndClose(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
          "The request headers are too large.");
    } else {
      String reason = cause instanceof RequestFramingException ? cause.getMessage()
          : "The request is not valid HTTP/1.1 (" + describe(cause) + ").";
      answerAndClose(HttpResponseStatus.BAD_REQUEST, "bad_request", reason);
    }
  }

  /**
   * Answers on behalf of Vert.x and closes: only while no response of Vert.x is on the wire (otherwise the bytes
   * would interleave); then the connection is just closed.
   */
  private void answerAndClose(HttpResponseStatus status, String error, String message) {
    discarding = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (answered || responseHeadWritten) {
      ctx.close();
      return;
    }
    answered = true;
    ByteBuf body = Unpooled.copiedBuffer(ErrorReply.body(error, message), StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
        .set(HttpHeaderNames.DATE, DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private void connectionClosed() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (requestInFlight) {
      requestInFlight = false;
      shared.requestEnded();
      if (shared.draining()) {
        shared.requestCutByDrain();
      }
    }
    shared.connectionClosed();
  }

  private static String describe(Throwable cause) {
    String text = cause.getMessage() == null ? "malformed message" : cause.getMessage();
    String cut = text.length() > 120 ? text.substring(0, 120) + "..." : text;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
