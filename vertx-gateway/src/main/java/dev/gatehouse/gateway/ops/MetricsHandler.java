package dev.gatehouse.gateway.ops;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Serves the Prometheus text exposition of the gateway's registry. */
public final class MetricsHandler implements Handler<RoutingContext> {
  private final GatewayMetrics metrics;

  public MetricsHandler(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.scrape());
  }
}
