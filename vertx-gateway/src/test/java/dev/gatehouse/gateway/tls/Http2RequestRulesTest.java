package dev.gatehouse.gateway.tls;

import static dev.gatehouse.gateway.testing.GatewayHarness.GOOD;
import static dev.gatehouse.gateway.testing.GatewayHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.http.RequestTarget;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.TestCertificates;
import dev.gatehouse.gateway.testing.TestCertificates.Issued;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTP/2 requests get exactly the HTTP/1.1 rules: one canonical target, the same refusals, the same limits. */
class Http2RequestRulesTest {
  @TempDir
  static Path dir;
  private static GatewayHarness gateway;
  private static HttpClient h2;
  private static Issued ca;

  record Reply(int status, HttpVersion version, String body) {}

  @BeforeAll
  static void start() throws Exception {
    ca = TestCertificates.ca("H2 Test CA");
    Path[] files = TestCertificates.server(ca).write(dir, "server");
    gateway = new GatewayHarness(null, null, json -> json.put("tls", new JsonObject()
        .put("certFile", files[0].toString()).put("keyFile", files[1].toString())), 1);
    h2 = gateway.vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setSsl(true).setUseAlpn(true).setTrustOptions(new PemTrustOptions()
            .addCertValue(Buffer.buffer(TestCertificates.pem(ca.certificate())))));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static Reply send(String path, MultiMap headers) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
        .setPort(gateway.port).setURI(path).setHeaders(headers);
    return await(h2.request(options).compose(request -> request.send()
        .compose(response -> response.body().map(body -> new Reply(response.statusCode(), response.version(),
            body.toString())))));
  }

  private static MultiMap bearer() {
    return MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer " + GOOD);
  }

  @Test
  void theUpstreamReceivesTheCanonicalPathOverHttp2Too() throws Exception {
    Reply reply = send("/api//v1/./x/../%65cho?q=a%20b", bearer());

    assertThat(reply.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(new JsonObject(reply.body()).getString("path")).isEqualTo("/api/v1/echo");
    assertThat(new JsonObject(reply.body()).getString("query")).isEqualTo("q=a%20b");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/v1/users/1%2F..%2F..%2Fadmin", "/api/v1/users/..;/x", "/api/v1/%00",
      "/api/v1/%C0%AE%C0%AE/echo", "/api/v1/users%5C1", "/api/v1/echo#frag"})
  void ambiguousPathsNeverReachTheUpstream(String path) throws Exception {
    Reply reply = send(path, bearer());

    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.body()).doesNotContain("\"path\"");
  }

  /** Not origin form: Vert.x Web refuses a path that does not start with '/' (404) before the gateway's guard (400). */
  @ParameterizedTest
  @ValueSource(strings = {"api/v1/echo", "*", "http://evil.example/api/v1/echo"})
  void pathsNotInOriginFormNeverReachTheUpstream(String path) throws Exception {
    Reply reply = send(path, bearer());

    assertThat(reply.status()).as(reply.body()).isIn(400, 404);
    assertThat(reply.body()).doesNotContain("\"path\"");
  }

  @Test
  void cookiesSplitOverSeveralFieldsAreReadAndForwardedAsOneHeader() throws Exception {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("cookie", "theme=dark").add("cookie", "jwt-token=" + GOOD).add("cookie", "lang=en");

    Reply reply = send("/api/v1/echo", headers);

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(new JsonObject(reply.body()).getJsonObject("headers").getJsonArray("cookie"))
        .containsExactly("theme=dark; lang=en");
  }

  @Test
  void twoDifferentTokenCookiesInSeparateFieldsAreRefused() throws Exception {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("cookie", "jwt-token=" + GOOD).add("cookie", "jwt-token=" + GatewayHarness.ADMIN);

    assertThat(send("/api/v1/echo", headers).status()).isEqualTo(400);
  }

  @Test
  void twoAuthorizationFieldsAreRefused() throws Exception {
    assertThat(send("/api/v1/echo", bearer().add("authorization", "Bearer " + GatewayHarness.ADMIN)).status())
        .isEqualTo(400);
  }

  /** Vert.x resets such a stream itself (RFC 9113 section 8.3.1); either way nothing reaches the upstream. */
  @Test
  void aHostFieldThatContradictsTheAuthorityIsRefused() throws Exception {
    try {
      Reply reply = send("/api/v1/echo", bearer().add("host", "evil.example"));
      assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(io.vertx.core.http.StreamResetException.class);
    }
  }

  /**
   * The server advertises the limit in SETTINGS_MAX_HEADER_LIST_SIZE (a Vert.x client refuses to send more); the JDK
   * client ignores that setting and sends anyway, which shows the server enforcing it.
   */
  @Test
  void headersOverTheLimitAreRefusedAsOverHttp11() throws Exception {
    java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2)
        .sslContext(ca.trustingContext()).build();
    java.net.http.HttpResponse<String> response = jdk.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("https://127.0.0.1:" + gateway.port + "/api/v1/echo"))
        .header("Authorization", "Bearer " + GOOD).header("X-Padding", "p".repeat(20 * 1024)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
    assertThat(response.statusCode()).isEqualTo(431);
  }

  @Test
  void headersUnderTheLimitButOverNettysDefaultPass() throws Exception {
    Reply reply = send("/api/v1/echo", bearer().add("x-padding", "p".repeat(10 * 1024)));

    assertThat(reply.status()).isEqualTo(200);
  }
}
