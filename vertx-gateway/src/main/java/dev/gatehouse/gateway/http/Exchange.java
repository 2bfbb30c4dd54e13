package dev.gatehouse.gateway.http;

import dev.gatehouse.gateway.audit.RequestAudit;
import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.http.HttpServerRequest;

/**
 * One request on its way through the gateway: what the pipeline learned about it, in one object that each step hands
 * to the next (no side maps keyed by the request). Confined to the request's event loop.
 */
public final class Exchange {
  private final HttpServerRequest request;
  private final RequestTarget target;
  private Credential credential;
  private VerifiedToken token;
  /** Tracing (null when off): the request's server span and the span of its upstream call. */
  private Span serverSpan;
  private Span proxySpan;
  /** The decision record of an allowed request, completed when its response ends (null when not recorded). */
  private RequestAudit.PendingAllow audit;
  /** Runs once when the exchange ends, answered or abandoned (null when nothing waits for that). */
  private Runnable onEnd;

  Exchange(HttpServerRequest request, RequestTarget target) {
    this.request = request;
    this.target = target;
  }

  /** For tests and tools that start an exchange past the guard. */
  public static Exchange of(HttpServerRequest request, RequestTarget target) {
    return new Exchange(request, target);
  }

  public HttpServerRequest request() {
    return request;
  }

  /** The canonical target the gateway decided on and forwards. */
  public RequestTarget target() {
    return target;
  }

  /** The credential that was verified, or null on a public route. */
  public Credential credential() {
    return credential;
  }

  /** The verified token, or null on a public route. */
  public VerifiedToken token() {
    return token;
  }

  public Span serverSpan() {
    return serverSpan;
  }

  void serverSpan(Span span) {
    this.serverSpan = span;
  }

  public Span proxySpan() {
    return proxySpan;
  }

  public void proxySpan(Span span) {
    this.proxySpan = span;
  }

  public RequestAudit.PendingAllow audit() {
    return audit;
  }

  void audit(RequestAudit.PendingAllow pending) {
    this.audit = pending;
  }

  void onEnd(Runnable action) {
    this.onEnd = action;
  }

  /** The response was sent, or the client went away before it was: runs what waits for the end, once. */
  public void ended() {
    Runnable action = onEnd;
    onEnd = null;
    if (action != null) {
      action.run();
    }
  }

  void authenticated(Credential credential, VerifiedToken token) {
    this.credential = credential;
    this.token = token;
  }
}
