package dev.gatehouse.stack.gateway;

import dev.gatehouse.demo.DemoService;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The demo upstream in this JVM, on loopback: its API under {@code /api/v1} (routed by the local configuration) and
 * the same API under {@value #NEW_SERVICE_BASE_PATH}, a service that nothing routes until it is onboarded (README,
 * "Onboarding a new service in five minutes").
 */
public final class LocalDemoService implements AutoCloseable {
  public static final String NEW_SERVICE_BASE_PATH = "/people";

  private final Vertx vertx;
  private final int port;

  private LocalDemoService(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
  }

  public static LocalDemoService start(int port) {
    Vertx vertx = Vertx.vertx();
    try {
      int actual = DemoService.start(vertx, "127.0.0.1", port, DemoService.DEFAULT_BASE_PATH,
          NEW_SERVICE_BASE_PATH).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS).actualPort();
      return new LocalDemoService(vertx, actual);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("The demo service did not start on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Closing on the way out: nothing left to protect.
    }
  }
}
