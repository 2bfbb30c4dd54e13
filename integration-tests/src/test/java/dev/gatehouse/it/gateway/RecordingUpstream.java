package dev.gatehouse.it.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The upstream the gateway forwards to in these tests: answers 200 to everything and records what arrived, so that
 * a test can prove both what an allowed request looked like and that a refused one never arrived. Paths ending in
 * {@value #SLOW_SUFFIX} are answered only after {@link #SLOW_ANSWER} (to trigger the gateway's route timeout).
 */
public final class RecordingUpstream implements AutoCloseable {
  static final String SLOW_SUFFIX = "/slow";
  static final Duration SLOW_ANSWER = Duration.ofSeconds(5);

  /** One request as the upstream saw it; header names lower-cased. */
  public record Received(String method, String uri, Map<String, List<String>> headers) {
    public String header(String name) {
      List<String> values = headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
      return values.isEmpty() ? null : String.join(",", values);
    }

    List<String> all(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private RecordingUpstream(HttpServer server) {
    this.server = server;
  }

  public static RecordingUpstream start() {
    return start(0);
  }

  /** On a given loopback port, e.g. to bring an upstream back where it was; 0 for any free one. */
  public static RecordingUpstream start(int port) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
      RecordingUpstream upstream = new RecordingUpstream(server);
      server.createContext("/", upstream::handle);
      server.setExecutor(upstream.executor);
      server.start();
      return upstream;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the recording upstream on loopback", e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((name, values) ->
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
    exchange.getRequestBody().readAllBytes();
    String uri = exchange.getRequestURI().getRawPath()
        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
    received.add(new Received(exchange.getRequestMethod(), uri, headers));
    if (exchange.getRequestURI().getRawPath().endsWith(SLOW_SUFFIX)) {
      try {
        Thread.sleep(SLOW_ANSWER.toMillis()); // the upstream's own behaviour, not test synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] body = "{\"upstream\":\"recording\"}".getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    try {
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    } catch (IOException e) {
      // The gateway gave up (timeout test): nothing to answer to.
    } finally {
      exchange.close();
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public void clear() {
    received.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
