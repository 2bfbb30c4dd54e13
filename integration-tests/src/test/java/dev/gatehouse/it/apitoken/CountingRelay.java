package dev.gatehouse.it.apitoken;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain HTTP relay on 127.0.0.1 in front of Keycloak that counts the calls reaching its token endpoint. The
 * gateway under test is pointed at it, so the count is what Keycloak saw, independent of the gateway's own metrics.
 */
final class CountingRelay implements AutoCloseable {
  private static final List<String> FORWARDED = List.of("Content-Type", "Authorization", "Accept");
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final String target;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final AtomicInteger tokenEndpointCalls = new AtomicInteger();

  private CountingRelay(String target, HttpServer server) {
    this.target = target;
    this.server = server;
  }

  /** @param target Keycloak's base URL, e.g. {@code http://127.0.0.1:8080} */
  static CountingRelay start(String target) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      CountingRelay relay = new CountingRelay(target.replaceAll("/+$", ""), server);
      server.createContext("/", relay::relay);
      server.setExecutor(relay.executor);
      server.start();
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the counting relay on loopback", e);
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  int tokenEndpointCalls() {
    return tokenEndpointCalls.get();
  }

  private void relay(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      URI uri = exchange.getRequestURI();
      if (exchange.getRequestMethod().equals("POST") && uri.getPath().endsWith("/protocol/openid-connect/token")) {
        tokenEndpointCalls.incrementAndGet();
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + uri.getRawPath()
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
          .timeout(Duration.ofSeconds(30))
          .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      for (String name : FORWARDED) {
        String value = exchange.getRequestHeaders().getFirst(name);
        if (value != null) {
          request.header(name, value);
        }
      }
      HttpResponse<byte[]> response;
      try {
        response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        exchange.sendResponseHeaders(502, -1);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      response.headers().firstValue("Content-Type")
          .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
      exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
      exchange.getResponseBody().write(response.body());
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
