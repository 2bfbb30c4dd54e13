package dev.gatehouse.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoServiceTest {
  private static Vertx vertx;
  private static String base;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    HttpServer server = DemoService.start(vertx, "127.0.0.1", 0).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> get(String path, String permissions) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (permissions != null) {
      request.header("X-Auth-Permissions", permissions).header("X-Auth-Subject", "user-1");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void userContactsAreShownOnlyWithTheContactsPermission() throws Exception {
    JsonObject without = new JsonObject(get("/api/v1/users/1", "view-users").body());
    JsonObject with = new JsonObject(get("/api/v1/users/1", "view-users,view-user-contacts").body());

    assertThat(without.getString("name")).isEqualTo("Ada Lovelace");
    assertThat(without.containsKey("email")).isFalse();
    assertThat(without.containsKey("phone")).isFalse();
    assertThat(with.getString("email")).isEqualTo("ada@example.com");
    assertThat(with.getString("phone")).isNotBlank();
  }

  @Test
  void responsesEchoTheIdentityHeadersReceived() throws Exception {
    JsonObject body = new JsonObject(get("/api/v1/roles", "view-roles").body());

    assertThat(body.getJsonObject("identity").getString("x-auth-subject")).isEqualTo("user-1");
    assertThat(body.getJsonObject("identity").getString("x-auth-permissions")).isEqualTo("view-roles");
    assertThat(body.getJsonArray("roles")).isNotEmpty();
  }

  @Test
  void everySuiteEndpointAnswersJson() throws Exception {
    for (String path : new String[] {"/api/v1/roles", "/api/v1/roles/fellow/users", "/api/v1/users",
        "/api/v1/skills", "/api/v1/feedback", "/api/v1/allocations", "/api/v1/ideas"}) {
      HttpResponse<String> response = get(path, null);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.headers().firstValue("content-type")).as(path).hasValue("application/json");
      assertThat(new JsonObject(response.body()).containsKey("identity")).as(path).isTrue();
    }
    assertThat(get("/api/v1/roles/nobody/users", null).statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/nothing", null).statusCode()).isEqualTo(404);
  }

  @Test
  void echoShowsMethodPathQueryHeadersAndBodyLength() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/echo?a=1&b=2"))
        .header("X-Custom", "one")
        .method("PUT", HttpRequest.BodyPublishers.ofByteArray(new byte[12_345]))
        .build();
    JsonObject body = new JsonObject(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());

    assertThat(body.getString("method")).isEqualTo("PUT");
    assertThat(body.getString("path")).isEqualTo("/api/v1/echo");
    assertThat(body.getString("query")).isEqualTo("a=1&b=2");
    assertThat(body.getInteger("bodyLength")).isEqualTo(12_345);
    assertThat(body.getJsonObject("headers").getJsonArray("x-custom").getString(0)).isEqualTo("one");
  }

  @Test
  void webSocketEchoesTextMessages() throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket socket = HTTP.newWebSocketBuilder()
        .buildAsync(URI.create(base.replace("http", "ws") + "/api/v1/ws"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            reply.complete(data.toString());
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    socket.sendText("hello gatehouse", true);

    assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("hello gatehouse");
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
  }

  @Test
  void servesItsOpenApiDocumentNamingItsBasePath() throws Exception {
    HttpResponse<String> document = get("/api/v1/openapi.yaml", null);

    assertThat(document.statusCode()).isEqualTo(200);
    assertThat(document.headers().firstValue("Content-Type")).hasValue("application/yaml; charset=utf-8");
    assertThat(document.body()).startsWith("openapi: 3.1.0").contains("  - url: /api/v1")
        .contains("x-gatehouse-permissions: [view-user-contacts]");
  }

  @Test
  void anotherBasePathMovesTheWholeApiAndTheDocumentSaysSo() throws Exception {
    HttpServer other = DemoService.start(vertx, "127.0.0.1", 0, "/people/v2").toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      String at = "http://127.0.0.1:" + other.actualPort();
      HttpResponse<String> users = HTTP.send(HttpRequest.newBuilder(URI.create(at + "/people/v2/users")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> old = HTTP.send(HttpRequest.newBuilder(URI.create(at + "/api/v1/users")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> document = HTTP.send(HttpRequest.newBuilder(URI.create(at + "/people/v2/openapi.yaml"))
          .build(), HttpResponse.BodyHandlers.ofString());

      assertThat(users.statusCode()).isEqualTo(200);
      assertThat(old.statusCode()).isEqualTo(404);
      assertThat(document.body()).contains("  - url: /people/v2\n").doesNotContain("- url: /api/v1");
    } finally {
      other.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
