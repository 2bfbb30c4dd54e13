package dev.gatehouse.gateway.token;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A JWKS endpoint on 127.0.0.1 whose document the test can change, stop and restart; counts requests. */
final class JwksServer {

  static final String PATH = "/realms/test/protocol/openid-connect/certs";

  private final Vertx vertx;
  private final AtomicReference<String> document = new AtomicReference<>("{\"keys\":[]}");
  private final AtomicInteger hits = new AtomicInteger();
  private HttpServer server;
  private int port;

  JwksServer(Vertx vertx) {
    this.vertx = vertx;
  }

  JwksServer serve(JsonObject... jwks) {
    document.set(new JsonObject().put("keys", new JsonArray(java.util.List.of((Object[]) jwks))).encode());
    return this;
  }

  JwksServer serveRaw(String body) {
    document.set(body);
    return this;
  }

  /** Starts on {@code port} (0 for any free port) and returns the port. */
  int start(int port) throws Exception {
    server = vertx.createHttpServer().requestHandler(request -> {
      hits.incrementAndGet();
      request.response()
          .putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "no-cache")
          .end(document.get());
    });
    this.port = server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    return this.port;
  }

  void stop() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  int hits() {
    return hits.get();
  }

  String url() {
    return url(port);
  }

  static String url(int port) {
    return "http://127.0.0.1:" + port + PATH;
  }
}
