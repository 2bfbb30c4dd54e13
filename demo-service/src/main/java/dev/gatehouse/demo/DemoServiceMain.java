package dev.gatehouse.demo;

import io.vertx.core.Vertx;

/**
 * Runs the demo upstream: port from GATEHOUSE_DEMO_PORT (default 8001), host GATEHOUSE_DEMO_HOST (default 127.0.0.1),
 * API base path GATEHOUSE_DEMO_BASE_PATH (default /api/v1).
 */
public final class DemoServiceMain {
  private DemoServiceMain() {}

  public static void main(String[] args) {
    String host = System.getenv().getOrDefault("GATEHOUSE_DEMO_HOST", "127.0.0.1");
    int port;
    try {
      port = Integer.parseInt(System.getenv().getOrDefault("GATEHOUSE_DEMO_PORT", "8001").trim());
    } catch (NumberFormatException e) {
      System.err.println("GATEHOUSE_DEMO_PORT must be a port number, got \"" + System.getenv("GATEHOUSE_DEMO_PORT")
          + "\"");
      System.exit(2);
      return;
    }
    String basePath = System.getenv().getOrDefault("GATEHOUSE_DEMO_BASE_PATH", DemoService.DEFAULT_BASE_PATH).strip();
    Vertx vertx = Vertx.vertx();
    DemoService.start(vertx, host, port, basePath)
        .onSuccess(server -> System.out.println("Demo service listening on " + host + ":" + server.actualPort()
            + ", API under " + basePath + ", OpenAPI document at http://" + host + ":" + server.actualPort()
            + basePath + DemoService.OPENAPI_PATH))
        .onFailure(e -> {
          System.err.println("Demo service could not listen on " + host + ":" + port + ": " + e.getMessage());
          vertx.close().onComplete(done -> System.exit(1));
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close(), "demo-shutdown"));
  }
}
