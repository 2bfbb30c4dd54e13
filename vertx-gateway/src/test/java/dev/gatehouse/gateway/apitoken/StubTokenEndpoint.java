package dev.gatehouse.gateway.apitoken;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Keycloak's token endpoint as far as the API-token grant goes, on 127.0.0.1. Tokens it was told about resolve to an
 * access token {@code at.<subject>.<exp>.<n>} (read by {@link TestAccessTokens}); everything else is refused with
 * {@code invalid_grant}. Counts every call, checks the client's Basic credentials, and can hold answers back or
 * fail like a broken Keycloak.
 */
final class StubTokenEndpoint implements AutoCloseable {
  static final String CLIENT_ID = "gateway";
  static final String CLIENT_SECRET = "s3cret: with spaces&symbols";

  enum Mode { NORMAL, SERVER_ERROR, REJECT_CLIENT }

  final AtomicInteger calls = new AtomicInteger();
  /** Subject each known API token resolves to, and the lifetime (seconds) of the access tokens issued for it. */
  private final Map<String, String> owners = new ConcurrentHashMap<>();
  private final Map<String, Long> lifetimes = new ConcurrentHashMap<>();
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicReference<Promise<Void>> hold = new AtomicReference<>();
  private volatile Mode mode = Mode.NORMAL;
  private final LongSupplier epochSeconds;
  private final HttpServer server;

  StubTokenEndpoint(Vertx vertx, LongSupplier epochSeconds) throws Exception {
    this.epochSeconds = epochSeconds;
    this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get();
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/realms/test/protocol/openid-connect/token";
  }

  ApiTokenOptions options() {
    return new ApiTokenOptions().setTokenEndpoint(url()).setClientId(CLIENT_ID).setClientSecret(CLIENT_SECRET)
        .setHttpTimeoutMillis(5_000);
  }

  StubTokenEndpoint owner(String apiToken, String subject, long lifetimeSeconds) {
    owners.put(apiToken, subject);
    lifetimes.put(apiToken, lifetimeSeconds);
    return this;
  }

  void revoke(String apiToken) {
    owners.remove(apiToken);
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  /** Answers wait until {@link #release()}. */
  void holdAnswers() {
    hold.set(Promise.promise());
  }

  void release() {
    hold.getAndSet(null).complete();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      calls.incrementAndGet();
      Promise<Void> gate = hold.get();
      Future<Void> ready = gate == null ? Future.succeededFuture() : gate.future();
      ready.onComplete(v -> answer(request, form(body.toString())));
    });
  }

  private void answer(HttpServerRequest request, MultiMap form) {
    if (mode == Mode.SERVER_ERROR) {
      reply(request, 503, new JsonObject().put("error", "unavailable"));
      return;
    }
    String expected = "Basic " + Base64.getEncoder().encodeToString((enc(CLIENT_ID) + ":" + enc(CLIENT_SECRET))
        .getBytes(StandardCharsets.UTF_8));
    if (mode == Mode.REJECT_CLIENT || !expected.equals(request.getHeader("Authorization"))) {
      reply(request, 401, new JsonObject().put("error", "invalid_client"));
      return;
    }
    if (!TokenEndpointClient.GRANT_TYPE.equals(form.get("grant_type")) || form.get("api_token") == null) {
      reply(request, 400, new JsonObject().put("error", "invalid_request"));
      return;
    }
    String apiToken = form.get("api_token");
    String subject = owners.get(apiToken);
    if (subject == null) {
      reply(request, 400, new JsonObject().put("error", "invalid_grant")
          .put("error_description", "API token revoked or unknown"));
      return;
    }
    long lifetime = lifetimes.get(apiToken);
    String accessToken = "at." + subject + "." + (epochSeconds.getAsLong() + lifetime) + "." + issued.incrementAndGet();
    reply(request, 200, new JsonObject().put("access_token", accessToken).put("token_type", "Bearer")
        .put("expires_in", lifetime).put("scope", "openid"));
  }

  private static void reply(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static MultiMap form(String body) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.add(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  private static String enc(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get();
  }
}
