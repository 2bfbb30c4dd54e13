package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.http.Exchange;
import dev.gatehouse.gateway.http.Refusal;
import dev.gatehouse.gateway.token.VerifiedToken;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * One request forwarded to its upstream: the request body streamed up, the response streamed back, both with
 * back-pressure. It sits in its event loop's {@link InFlight} list until it ends, which cuts it when the upstream
 * stays silent past the route's timeout, or when the token that authorised it expires or is revoked while it still
 * streams. Confined to the request's event loop.
 */
final class Forwarding {
  private final GatewayProxy proxy;
  final Exchange exchange;
  final Upstream upstream;
  private final Map<String, String> identity;
  private final long startedNanos;
  /** Request or response bytes moved; read by the sweep to find silent upstreams. */
  long lastActivityNanos;
  private HttpClientRequest upstreamRequest;
  private boolean requestEnded;
  private boolean headSent;
  private boolean finished;
  /** Links of the event loop's in-flight list. */
  Forwarding previous;
  Forwarding next;

  Forwarding(GatewayProxy proxy, Exchange exchange, Upstream upstream, Map<String, String> identity) {
    this.proxy = proxy;
    this.exchange = exchange;
    this.upstream = upstream;
    this.identity = identity;
    this.startedNanos = System.nanoTime();
    this.lastActivityNanos = startedNanos;
  }

  VerifiedToken token() {
    return exchange.token();
  }

  /** Bytes still flow under the token's authority: a response streaming back, or a request body going up. */
  boolean streaming() {
    return !finished && (headSent || (upstreamRequest != null && !requestEnded));
  }

  boolean finished() {
    return finished;
  }

  /** A pooled connection to the upstream was obtained (or not). */
  void connected(AsyncResult<HttpClientRequest> result) {
    if (finished) {
      if (result.succeeded()) {
        result.result().reset();
      }
      return;
    }
    if (result.failed()) {
      failed(result.cause());
      return;
    }
    HttpClientRequest up = result.result();
    upstreamRequest = up;
    HttpServerRequest request = exchange.request();
    proxy.headers().copyRequestHeaders(request.headers(), up.headers(), GatewayProxy.bearer(exchange.credential()));
    proxy.headers().addGatewayHeaders(request.headers(), up.headers(), identity, proxy.originOf(request),
        request.authority() == null ? null : request.authority().toString());
    if (proxy.tracing().enabled()) {
      exchange.proxySpan(proxy.tracing().forwarding(exchange.serverSpan(), request, up.headers()));
    }
    up.response().onComplete(this::responded);
    sendBody(request, up);
  }

  private void sendBody(HttpServerRequest request, HttpClientRequest up) {
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean chunked = length == null && (http2 ? !request.isEnded() : request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null);
    if (length == null && !chunked) {
      // No body (RFC 9112 section 6.3): the head is the whole request.
      requestEnded = true;
      up.end();
      request.resume();
      return;
    }
    if (chunked) {
      up.setChunked(true);
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      // The gateway decided; the client may send its body now (RFC 9110 section 10.1.1 lets a proxy answer this).
      request.response().writeContinue();
    }
    request.handler(chunk -> {
      lastActivityNanos = System.nanoTime();
      up.write(chunk);
      if (up.writeQueueFull()) {
        request.pause();
        up.drainHandler(v -> request.resume());
      }
    });
    request.endHandler(v -> {
      requestEnded = true;
      up.end();
    });
    request.exceptionHandler(failure -> clientGone());
    request.resume();
  }

  private void responded(AsyncResult<HttpClientResponse> result) {
    if (finished) {
      return;
    }
    if (result.failed()) {
      failed(result.cause());
      return;
    }
    HttpClientResponse upstreamResponse = result.result();
    long answeredAfter = System.nanoTime() - startedNanos;
    upstream.responded(answeredAfter);
    GatewayTracing.upstreamAnswered(exchange.proxySpan(), upstreamResponse.statusCode(), null);
    if (exchange.audit() != null) {
      exchange.audit().upstreamAnswered(upstreamResponse.statusCode(), answeredAfter);
    }
    HttpServerRequest request = exchange.request();
    HttpServerResponse response = request.response();
    response.setStatusCode(upstreamResponse.statusCode());
    String reason = upstreamResponse.statusMessage();
    if (reason != null && !reason.isEmpty()) {
      response.setStatusMessage(reason);
    }
    UpstreamHeaders.copyResponseHeaders(upstreamResponse.headers(), response.headers());
    String date = upstreamResponse.headers().get(HttpHeaders.DATE);
    if (date == null || proxy.dates().forwarded(date) == null) {
      response.headers().set(HttpHeaders.DATE, proxy.dates().now());
    }
    if (response.closed()) {
      clientGone();
      return;
    }
    if (!hasBody(request.method(), upstreamResponse.statusCode())) {
      headSent = true;
      upstreamResponse.endHandler(v -> finish());
      upstreamResponse.exceptionHandler(failure -> finish());
      response.end();
      return;
    }
    if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      if (request.version() == HttpVersion.HTTP_1_0) {
        // No chunked encoding in HTTP/1.0: the length must be known before the head goes out.
        upstreamResponse.body().onComplete(body -> {
          if (body.failed() || finished) {
            abort();
            return;
          }
          headSent = true;
          response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.result().length()));
          response.end(body.result());
          finish();
        });
        return;
      }
      response.setChunked(request.version() != HttpVersion.HTTP_2);
    }
    headSent = true;
    upstreamResponse.handler(new Handler<Buffer>() {
      @Override
      public void handle(Buffer chunk) {
        lastActivityNanos = System.nanoTime();
        response.write(chunk);
        if (response.writeQueueFull()) {
          upstreamResponse.pause();
          response.drainHandler(v -> upstreamResponse.resume());
        }
      }
    });
    upstreamResponse.endHandler(v -> {
      response.end();
      finish();
    });
    upstreamResponse.exceptionHandler(failure -> abort());
  }

  /** 1xx, 204 and 304 answers and answers to HEAD end with their head (RFC 9110 section 6.4.1). */
  private static boolean hasBody(HttpMethod method, int status) {
    return method != HttpMethod.HEAD && status >= 200 && status != 204 && status != 304;
  }

  /** The upstream could not be reached or answered no head: the gateway's JSON answer (502, 503 or 504). */
  private void failed(Throwable cause) {
    finish();
    proxy.upstreamFailed(exchange, upstream, cause, System.nanoTime() - startedNanos);
  }

  /** The sweep found the upstream silent for longer than the route's timeout. */
  void cutSilent() {
    TimeoutException silence = new TimeoutException("The upstream neither read nor sent anything for "
        + upstream.route().timeoutMillis() + " ms (the route's timeoutMillis).");
    if (upstreamRequest == null) {
      failed(silence); // still waiting for a pooled connection
      return;
    }
    if (headSent) {
      abort();
      return;
    }
    // Fails the response future with the timeout, which answers 504 (see failed).
    upstreamRequest.reset(0, silence);
  }

  /** The token that authorised this exchange expired or was revoked while bytes still flow. */
  void cutRevoked(String reason) {
    if (!headSent) {
      HttpServerRequest request = exchange.request();
      finish();
      if (upstreamRequest != null) {
        upstreamRequest.reset();
      }
      Refusal.invalidToken(reason).answer(request);
      return;
    }
    abort();
  }

  /** Both sides cut: after a response head there is no way to say more than a reset. */
  private void abort() {
    if (upstreamRequest != null) {
      upstreamRequest.reset();
    }
    HttpServerResponse response = exchange.request().response();
    if (!response.ended()) {
      response.reset();
    }
    finish();
    exchange.ended();
  }

  /** The client's connection closed before its answer was complete: the upstream exchange is of no use now. */
  void clientGone() {
    if (!finished) {
      if (upstreamRequest != null) {
        upstreamRequest.reset();
      }
      finish();
      exchange.ended();
    }
  }

  private void finish() {
    if (!finished) {
      finished = true;
      proxy.inFlight().remove(this);
    }
  }
}
