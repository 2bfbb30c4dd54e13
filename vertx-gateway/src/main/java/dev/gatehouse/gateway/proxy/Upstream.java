package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.config.RouteConfig;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One route's upstream with everything a request to it needs worked out once: its address, its TLS options and its
 * latency timer.
 */
final class Upstream {
  private final RouteConfig route;
  private final SocketAddress address;
  private final ClientSSLOptions tls;
  private final long connectTimeoutMillis;
  private final long timeoutNanos;
  private final Timer responseTimer;

  Upstream(RouteConfig route, ClientSSLOptions tls, long connectTimeoutMillis, Timer responseTimer) {
    this.route = route;
    this.address = SocketAddress.inetSocketAddress(route.upstreamPort(), route.upstream().getHost());
    this.tls = tls;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(route.timeoutMillis());
    this.responseTimer = responseTimer;
  }

  RouteConfig route() {
    return route;
  }

  /** How long the upstream may stay silent in both directions. */
  long timeoutNanos() {
    return timeoutNanos;
  }

  /** The upstream request for {@code method pathAndQuery}, addressed by the upstream's own name (virtual hosts, TLS). */
  RequestOptions request(HttpMethod method, String pathAndQuery) {
    return new RequestOptions()
        .setServer(address)
        .setHost(route.upstream().getHost())
        .setPort(route.upstreamPort())
        .setSsl(tls != null)
        .setSslOptions(tls)
        .setConnectTimeout(connectTimeoutMillis)
        .setMethod(method)
        .setURI(pathAndQuery);
  }

  /** The response head arrived {@code nanos} after the request started. */
  void responded(long nanos) {
    responseTimer.record(nanos, TimeUnit.NANOSECONDS);
  }
}
