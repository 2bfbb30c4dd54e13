package dev.gatehouse.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With Keycloak unreachable the login says so (502) instead of hanging or pretending. */
class ProviderDownTest {

  private static Vertx vertx;
  private static HttpServer gateway;
  private static WebClient http;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    // Bind and release a port so that nothing listens there.
    HttpServer closed = await(vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1"));
    int deadPort = closed.actualPort();
    await(closed.close());
    LoginOptions options = new LoginOptions()
        .setIssuer("http://127.0.0.1:" + deadPort + "/realms/gatehouse")
        .setClientId("gateway").setClientSecret("s")
        .setPublicBaseUrl("http://api.gatehouse.test").setParentDomain("gatehouse.test")
        .setAllowInsecureHttp(true).setHttpTimeoutMillis(2_000)
        .setStateSecrets(List.of("test-state-secret-test-state-secret-42"));
    Router router = Router.router(vertx);
    TokenVerifier unused = new TokenVerifier() {
      @Override
      public Future<VerifiedToken> verify(String compactJwt) {
        return Future.failedFuture(new IllegalStateException("not used"));
      }

      @Override
      public boolean ready() {
        return false;
      }
    };
    LoginRoutes.mount(router, options, WebClient.create(vertx), unused);
    gateway = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    http = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void loginAnswers502() throws Exception {
    HttpResponse<Buffer> response = get("/auth/login?redirect=http%3A%2F%2Fapp.gatehouse.test%2F", null);

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("identity_provider_error");
    assertThat(response.bodyAsJsonObject().getString("message")).contains("could not be reached");
    assertThat(response.headers().getAll("Set-Cookie")).isEmpty();
  }

  @Test
  void logoutStillClearsTheCookiesAndSaysTheKeycloakSessionRemains() throws Exception {
    HttpResponse<Buffer> response = get("/auth/logout", "jwt-token=a.b.c; gatehouse-id=i.d.t");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("logout_incomplete");
    assertThat(response.headers().getAll("Set-Cookie")).hasSize(3).allMatch(c -> c.contains("=; Max-Age=0;"));
  }

  private static HttpResponse<Buffer> get(String path, String cookie) throws Exception {
    var request = http.get(gateway.actualPort(), "127.0.0.1", path);
    if (cookie != null) {
      request.putHeader("Cookie", cookie);
    }
    return await(request.send());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
