package dev.gatehouse.gateway.http;

import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.token.VerifiedToken;
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

  void authenticated(Credential credential, VerifiedToken token) {
    this.credential = credential;
    this.token = token;
  }
}
