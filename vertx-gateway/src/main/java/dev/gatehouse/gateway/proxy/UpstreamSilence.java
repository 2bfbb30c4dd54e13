package dev.gatehouse.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.streams.ReadStream;
import java.util.concurrent.TimeoutException;

/**
 * The route timeout of one upstream exchange, measured as silence in both directions: bytes of the request body
 * handed to the upstream and bytes of its response both count as activity. An upload slower than the timeout but
 * steadily flowing passes; an upstream that neither reads nor answers for the timeout is cut (504 before its
 * response head, a reset after it). Vert.x's own request idle timeout counts only response bytes before the head,
 * and none after it.
 * <p>
 * One timer per exchange, re-armed lazily for the remaining time, so a chunk costs one {@code System.nanoTime()}.
 * Confined to the event loop of the verticle that forwards the request.
 */
final class UpstreamSilence implements Handler<Long> {
  private final Vertx vertx;
  private final long timeoutMillis;
  private HttpClientRequest request;
  private long lastActivityNanos;
  private long timerId = -1;
  private boolean finished;

  UpstreamSilence(Vertx vertx, long timeoutMillis) {
    this.vertx = vertx;
    this.timeoutMillis = timeoutMillis;
  }

  /** The upstream request exists (a pooled connection was obtained): the clock starts. */
  void start(HttpClientRequest request) {
    if (finished) {
      return;
    }
    this.request = request;
    lastActivityNanos = System.nanoTime();
    timerId = vertx.setTimer(timeoutMillis, this);
  }

  /** The exchange is over, one way or another. */
  void finish() {
    finished = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  /** {@code stream} with each chunk counted as activity, and its end (or failure) ending the watch. */
  ReadStream<Buffer> watch(ReadStream<Buffer> stream, boolean endsExchange) {
    return new WatchedStream(stream, endsExchange);
  }

  @Override
  public void handle(Long id) {
    timerId = -1;
    if (finished) {
      return;
    }
    long silentMillis = (System.nanoTime() - lastActivityNanos) / 1_000_000;
    if (silentMillis < timeoutMillis) {
      timerId = vertx.setTimer(timeoutMillis - silentMillis, this);
      return;
    }
    finished = true;
    request.reset(0, new TimeoutException("The upstream neither read nor sent anything for " + timeoutMillis
        + " ms (the route's timeoutMillis)."));
  }

  private final class WatchedStream implements ReadStream<Buffer> {
    private final ReadStream<Buffer> delegate;
    private final boolean endsExchange;

    WatchedStream(ReadStream<Buffer> delegate, boolean endsExchange) {
      this.delegate = delegate;
      this.endsExchange = endsExchange;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
      delegate.handler(handler == null ? null : chunk -> {
        lastActivityNanos = System.nanoTime();
        handler.handle(chunk);
      });
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> handler) {
      delegate.endHandler(handler == null ? null : end -> {
        if (endsExchange) {
          finish();
        }
        handler.handle(end);
      });
      return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      delegate.exceptionHandler(handler == null ? null : failure -> {
        if (endsExchange) {
          finish();
        }
        handler.handle(failure);
      });
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      delegate.pause();
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      delegate.resume();
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      delegate.fetch(amount);
      return this;
    }
  }
}
