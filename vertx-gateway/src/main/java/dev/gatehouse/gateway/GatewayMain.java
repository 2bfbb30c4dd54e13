package dev.gatehouse.gateway;

import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wiring only: config → Vert.x with metrics → {@link Gateway}; SIGTERM drains and stops. */
public final class GatewayMain {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);

  private GatewayMain() {}

  public static void main(String[] args) {
    GatewayConfig config;
    try {
      config = GatewayConfig.load(args, System.getenv());
    } catch (ConfigException e) {
      LOG.error("{}", e.getMessage());
      System.exit(2);
      return;
    }
    LOG.info("Starting Gatehouse gateway {} (pid {}, Java {})", Gateway.version(), ProcessHandle.current().pid(),
        Runtime.version());
    GatewayMetrics metrics = new GatewayMetrics();
    Vertx vertx = newVertx(metrics, config.server().vertxHttpMetrics());
    if (!vertx.isNativeTransportEnabled()) {
      LOG.info("Using Java NIO instead of the native transport ({})",
          String.valueOf(vertx.unavailableNativeTransportCause()));
    }
    Gateway.start(vertx, config, metrics)
        .onSuccess(gateway -> Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          long began = System.nanoTime();
          LOG.info("Stop signal received (SIGTERM or SIGINT): shutting down; in-flight requests get up to {} ms to"
              + " finish.", config.server().shutdownTimeoutMillis());
          try {
            gateway.close().toCompletionStage().toCompletableFuture()
                .get(config.server().shutdownTimeoutMillis() + 5_000, TimeUnit.MILLISECONDS);
            // Not chained on the gateway's future: its context dies with Vert.x and the completion would be lost.
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            LOG.info("Gateway stopped in {} ms.", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
          } catch (Exception e) {
            LOG.warn("Shutdown did not complete cleanly: {}", e.toString());
          }
        }, "gatehouse-shutdown")))
        .onFailure(e -> {
          LOG.error("Gateway failed to start: {}", e.getMessage());
          vertx.close().onComplete(done -> System.exit(1));
        });
  }

  /** Without Vert.x's per-request HTTP metrics (the default: see {@link #newVertx(GatewayMetrics, boolean)}). */
  public static Vertx newVertx(GatewayMetrics metrics) {
    return newVertx(metrics, false);
  }

  /**
   * Vert.x reporting its own metrics into the gateway's registry, so /metrics shows both. Its per-request HTTP server
   * and client metrics ({@code vertx_http_*}) only with {@code vertxHttpMetrics}: they cost more per request than the
   * gateway's whole access decision (docs/benchmarks.md), and the gateway's own decision counts and upstream
   * latencies already say how requests went.
   */
  public static Vertx newVertx(GatewayMetrics metrics, boolean vertxHttpMetrics) {
    // A registry name of its own: Vert.x shares backends by name, so two gateways in one JVM (tests) would report
    // into whichever registry came first.
    MicrometerMetricsOptions metricsOptions = new MicrometerMetricsOptions().setEnabled(true)
        .setRegistryName("gatehouse-" + System.identityHashCode(metrics.registry()));
    if (!vertxHttpMetrics) {
      metricsOptions.addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
          .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT);
    }
    return Vertx.builder()
        .with(new VertxOptions()
            // epoll where available: fewer system calls and allocations per request than NIO.
            .setPreferNativeTransport(true)
            .setMetricsOptions(metricsOptions))
        .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
        .build();
  }
}
