package dev.gatehouse.gateway;

import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
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
    Vertx vertx = newVertx(metrics);
    if (!vertx.isNativeTransportEnabled()) {
      LOG.info("Using Java NIO instead of the native transport ({})",
          String.valueOf(vertx.unavailableNativeTransportCause()));
    }
    Gateway.start(vertx, config, metrics)
        .onSuccess(gateway -> Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          long began = System.nanoTime();
          LOG.info("Stop signal received (SIGTERM or SIGINT): shutting down; in-flight requests get up to {} ms to"
              + " finish.", config.shutdownTimeoutMillis());
          try {
            gateway.close().toCompletionStage().toCompletableFuture()
                .get(config.shutdownTimeoutMillis() + 5_000, TimeUnit.MILLISECONDS);
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

  /** Vert.x reporting its own HTTP server/client metrics into the gateway's registry, so /metrics shows both. */
  public static Vertx newVertx(GatewayMetrics metrics) {
    return Vertx.builder()
        .with(new VertxOptions()
            // epoll where available: fewer system calls and allocations per request than NIO.
            .setPreferNativeTransport(true)
            .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
        .build();
  }
}
