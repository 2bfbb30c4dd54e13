package dev.gatehouse.it.gateway;

import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.gateway.LocalGateway;
import dev.gatehouse.stack.postgres.PostgresServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/** A fresh in-JVM gateway (seeded from realm-config/activities.json) in front of its own recording upstream. */
final class GatewayUnderTest implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  final RecordingUpstream upstream;
  final LocalGateway gateway;

  private GatewayUnderTest(RecordingUpstream upstream, LocalGateway gateway) {
    this.upstream = upstream;
    this.gateway = gateway;
  }

  static GatewayUnderTest start(String issuer, PostgresServer postgres) {
    return start(issuer, postgres, config -> { }, true);
  }

  /** {@code tweak} edits the local configuration before start; {@code awaitReady} false for fail-closed tests. */
  static GatewayUnderTest start(String issuer, PostgresServer postgres, Consumer<JsonObject> tweak,
      boolean awaitReady) {
    RecordingUpstream upstream = RecordingUpstream.start();
    try {
      JsonObject config = LocalGateway.localConfig(issuer, postgres, upstream.baseUrl(), FreePorts.next(),
          StackLayout.locate().realmConfigDir().resolve("activities.json"));
      tweak.accept(config);
      LocalGateway gateway = LocalGateway.start(config);
      if (awaitReady) {
        gateway.awaitReady(Duration.ofSeconds(60));
      }
      return new GatewayUnderTest(upstream, gateway);
    } catch (RuntimeException e) {
      upstream.close();
      throw e;
    }
  }

  int port() {
    return gateway.port();
  }

  String url(String pathAndQuery) {
    return gateway.baseUrl() + pathAndQuery;
  }

  HttpResponse<String> send(String method, String pathAndQuery, String token, String jsonBody) {
    return send(gateway.baseUrl(), method, pathAndQuery, token, jsonBody);
  }

  /** With extra request headers, e.g. {@code If-Match}. */
  HttpResponse<String> send(String method, String pathAndQuery, String token, String jsonBody,
      Map<String, String> headers) {
    return send(gateway.baseUrl(), method, pathAndQuery, token, jsonBody, headers);
  }

  /** One request to any gateway at {@code baseUrl}, e.g. one running in its own process. */
  static HttpResponse<String> send(String baseUrl, String method, String pathAndQuery, String token,
      String jsonBody) {
    return send(baseUrl, method, pathAndQuery, token, jsonBody, Map.of());
  }

  static HttpResponse<String> send(String baseUrl, String method, String pathAndQuery, String token,
      String jsonBody, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
        .timeout(Duration.ofSeconds(30))
        .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (jsonBody != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + pathAndQuery + " through the gateway at " + baseUrl + " failed",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  HttpResponse<String> get(String pathAndQuery, String token) {
    return send("GET", pathAndQuery, token, null);
  }

  @Override
  public void close() {
    try {
      gateway.close();
    } finally {
      upstream.close();
    }
  }
}
