package dev.gatehouse.gateway.testing;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * An upstream whose timing the test controls, on its own Vert.x: {@code /held/*} answers only when the test calls
 * {@link #releaseHeld()}; {@code /late/<ms>} answers after that many milliseconds; {@code /stall/*} sends its head
 * and part of a body, then nothing; {@code /upload/*} answers with the number of body bytes it read.
 */
public final class ScriptedUpstream implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final Queue<Promise<Void>> held = new ConcurrentLinkedQueue<>();

  public ScriptedUpstream() throws Exception {
    server = GatewayHarness.await(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Paths in the order they arrived (when their head arrived, before any body). */
  public List<String> received() {
    return received;
  }

  public void releaseHeld() {
    for (Promise<Void> promise; (promise = held.poll()) != null; ) {
      promise.tryComplete();
    }
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    received.add(path);
    if (path.startsWith("/held/")) {
      Promise<Void> release = Promise.promise();
      held.add(release);
      release.future().onComplete(done -> vertx.runOnContext(v -> reply(request, new JsonObject().put("held", path))));
    } else if (path.startsWith("/late/")) {
      long millis = Long.parseLong(path.substring("/late/".length()));
      vertx.setTimer(millis, id -> reply(request, new JsonObject().put("late", millis)));
    } else if (path.startsWith("/stall/")) {
      request.response().setChunked(true).putHeader("Content-Type", "text/plain").write("first part, then silence");
    } else if (path.startsWith("/drip/")) {
      // A response that never ends by itself: a line every 100 ms until the connection goes away.
      var response = request.response().setChunked(true).putHeader("Content-Type", "text/plain");
      response.write("drip\n");
      long timer = vertx.setPeriodic(100, id -> {
        if (response.closed() || response.ended()) {
          vertx.cancelTimer(id);
        } else {
          response.write("drip\n");
        }
      });
      response.closeHandler(v -> vertx.cancelTimer(timer));
    } else if (path.startsWith("/upload/")) {
      long[] bytes = {0};
      request.handler(chunk -> bytes[0] += chunk.length());
      request.endHandler(end -> reply(request, new JsonObject().put("bytes", bytes[0])));
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  private static void reply(HttpServerRequest request, JsonObject body) {
    if (!request.response().ended() && !request.response().closed()) {
      request.response().putHeader("Content-Type", "application/json").end(body.encode());
    }
  }

  /** Waits for {@code condition}, bounded; never a fixed pause. */
  public static void poll(String what, BooleanSupplier condition) {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Not within 15 s: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() throws Exception {
    GatewayHarness.await(vertx.close());
  }
}
