package dev.gatehouse.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gatehouse.gateway.login.LoginOptions;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cross-site use of the cookie against the real gateway and the real demo upstream (which echoes WebSocket
 * messages): a page on another site must not open a WebSocket, or read any answer, with the user's cookie.
 * Bearer callers are not CSRF-prone and keep working from anywhere.
 */
class CrossSiteRequestTest {
  private static final String APP = "http://app1.gatehouse.test:8080";
  private static final String EVIL = "https://evil.example";
  private static final String COOKIE = "jwt-token=" + GatewayHarness.GOOD;
  private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

  private static GatewayHarness withLogin;
  private static GatewayHarness withoutLogin;

  @BeforeAll
  static void start() throws Exception {
    LoginOptions login = new LoginOptions()
        // Nothing listens there: these tests never get as far as Keycloak.
        .setIssuer("http://127.0.0.1:1/realms/test")
        .setClientId("gateway")
        .setClientSecret("secret")
        .setPublicBaseUrl("http://api.gatehouse.test:8000")
        .setParentDomain("gatehouse.test")
        .setAllowedPorts(Set.of(8080))
        .setAllowInsecureHttp(true)
        .setStateSecrets(List.of("cross-site-test-state-secret-of-32-bytes-or-more"));
    withLogin = new GatewayHarness(null, login);
    withoutLogin = new GatewayHarness(null);
  }

  @AfterAll
  static void stop() throws Exception {
    withLogin.close();
    withoutLogin.close();
  }

  @Test
  void aCookieWebSocketFromAForeignOriginIsRefused() {
    assertThat(handshakeStatus(withLogin, "Origin", EVIL, "Cookie", COOKIE)).isEqualTo(403);
    assertThat(handshakeStatus(withLogin, "Origin", "null", "Cookie", COOKIE)).isEqualTo(403);
    assertThat(handshakeStatus(withLogin, "Origin", "http://app1.gatehouse.test.evil.example", "Cookie", COOKIE))
        .isEqualTo(403);
  }

  @Test
  void aCookieWebSocketWithoutAnOriginIsRefusedBecauseBrowsersAlwaysSendOne() {
    assertThat(handshakeStatus(withLogin, "Cookie", COOKIE)).isEqualTo(403);
    assertThat(handshakeStatus(withoutLogin, "Cookie", COOKIE)).isEqualTo(403);
  }

  @Test
  void aCookieWebSocketFromOurAppIsProxied() throws Exception {
    assertThat(echo(withLogin, "Origin", APP, "Cookie", COOKIE)).isEqualTo("echo");
  }

  @Test
  void withoutALoginSectionOnlyTheGatewaysOwnOriginCounts() throws Exception {
    String self = "http://127.0.0.1:" + withoutLogin.port;
    assertThat(echo(withoutLogin, "Origin", self, "Cookie", COOKIE)).isEqualTo("echo");
    assertThat(handshakeStatus(withoutLogin, "Origin", APP, "Cookie", COOKIE)).isEqualTo(403);
    assertThat(handshakeStatus(withoutLogin, "Origin", EVIL, "Cookie", COOKIE)).isEqualTo(403);
  }

  @Test
  void aBearerWebSocketWorksFromAnyOriginBecauseNoPageCanAttachTheHeader() throws Exception {
    String bearer = "Bearer " + GatewayHarness.GOOD;
    assertThat(echo(withLogin, "Origin", EVIL, "Authorization", bearer)).isEqualTo("echo");
    assertThat(echo(withLogin, "Authorization", bearer)).isEqualTo("echo");
    assertThat(echo(withoutLogin, "Origin", EVIL, "Authorization", bearer)).isEqualTo("echo");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "Upgrade: WebSocket\r\nConnection: Upgrade\r\n" + KEY,
      "Upgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n" + KEY,
      "Upgrade: WEBSOCKET\r\nConnection: UPGRADE\r\n" + KEY,
      "Upgrade: websocket\r\nConnection: close\r\nConnection: upgrade\r\n" + KEY,
      "Upgrade: websocket\r\n" + KEY,
      "Connection: Upgrade\r\n" + KEY,
      KEY})
  void everySpellingOfAWebSocketHandshakeMeetsTheOriginCheck(String upgradeHeaders) throws Exception {
    for (GatewayHarness gateway : List.of(withLogin, withoutLogin)) {
      String head = rawHead(gateway, "GET /api/v1/ws HTTP/1.1\r\nHost: api.gatehouse.test:8000\r\nOrigin: " + EVIL
          + "\r\nCookie: " + COOKIE + "\r\n" + upgradeHeaders + "\r\n");
      assertThat(head).startsWith("HTTP/1.1 403");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "Upgrade: websocket, h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n",
      "Upgrade: h2c\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n",
      "Upgrade: websocket/13\r\nConnection: Upgrade\r\n",
      "Upgrade: xwebsocketx\r\nConnection: Upgrade\r\n"})
  void aHandshakeThatIsNotExactlyOneWebSocketUpgradeIsRefused(String upgradeHeaders) throws Exception {
    String response = RawHttp.exchange(withLogin.port, "GET /api/v1/ws HTTP/1.1\r\nHost: api.gatehouse.test:8000\r\n"
        + "Authorization: Bearer " + GatewayHarness.GOOD + "\r\n" + upgradeHeaders + KEY + "\r\n");

    // The gateway's own answer, not the upstream's: such a request must never be handed to the upstream.
    assertThat(RawHttp.status(response)).as(response).isEqualTo(400);
    assertThat(RawHttp.body(response)).contains("\"error\":\"bad_request\"").contains("Upgrade: websocket");
  }

  @Test
  void aCookieGetFromAForeignOriginIsRefusedSoNoAnswerIsEverCorsReadable() throws Exception {
    HttpResponse<String> foreign = withLogin.send(withLogin.request("/api/v1/users")
        .header("Origin", EVIL).header("Cookie", COOKIE));
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body()).contains("cross_site_request");
    assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

    HttpResponse<String> navigation = withLogin.send(withLogin.request("/api/v1/users").header("Cookie", COOKIE)
        .header("Sec-Fetch-Site", "cross-site").header("Sec-Fetch-Mode", "navigate"));
    assertThat(navigation.statusCode()).as("a link from another site still opens the page").isEqualTo(200);

    HttpResponse<String> subresource = withLogin.send(withLogin.request("/api/v1/users").header("Cookie", COOKIE)
        .header("Sec-Fetch-Site", "cross-site").header("Sec-Fetch-Mode", "no-cors"));
    assertThat(subresource.statusCode()).as("an <img>/<script> load from another site").isEqualTo(403);
  }

  @Test
  void aTokenCookieInASecondCookieHeaderIsSeenByTheOriginCheck() throws Exception {
    for (GatewayHarness gateway : List.of(withLogin, withoutLogin)) {
      String response = RawHttp.exchange(gateway.port, "POST /api/v1/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Origin: " + EVIL + "\r\nCookie: theme=dark\r\nCookie: " + COOKIE + "\r\n"
          + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
      assertThat(RawHttp.status(response)).as(response).isEqualTo(403);
      assertThat(RawHttp.body(response)).contains("cross_site_request");
    }
  }

  @Test
  void severalOriginHeadersAreRefused() throws Exception {
    String response = RawHttp.exchange(withLogin.port, "POST /api/v1/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Origin: " + APP + "\r\nOrigin: " + EVIL + "\r\nCookie: " + COOKIE + "\r\n"
        + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");

    assertThat(RawHttp.status(response)).isEqualTo(400);
    assertThat(RawHttp.body(response)).contains("Origin");
  }

  @Test
  void whoamiReadsTheCookieFromEveryCookieHeaderLikeTheGate() throws Exception {
    String split = RawHttp.exchange(withLogin.port, "GET /auth/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Cookie: theme=dark\r\nCookie: " + COOKIE + "\r\n\r\n");
    assertThat(RawHttp.status(split)).as(split).isEqualTo(200);
    assertThat(RawHttp.body(split)).contains("\"sub\":\"sub-1\"");

    String conflicting = RawHttp.exchange(withLogin.port, "GET /auth/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer " + GatewayHarness.READER + "\r\nCookie: " + COOKIE + "\r\n\r\n");
    assertThat(RawHttp.status(conflicting)).as("the gate refuses a cookie and a header that differ: so does whoami")
        .isEqualTo(400);
  }

  /** The handshake status: 101 when it succeeded (the socket is closed again), else the refusal's status. */
  private static int handshakeStatus(GatewayHarness gateway, String... headers) {
    Throwable failure = catchThrowable(() -> echo(gateway, headers));
    if (failure == null) {
      return 101;
    }
    Throwable cause = failure instanceof ExecutionException ? failure.getCause() : failure;
    assertThat(cause).as("the handshake should have been answered with a status").isInstanceOf(
        WebSocketHandshakeException.class);
    return ((WebSocketHandshakeException) cause).getResponse().statusCode();
  }

  /** Opens a real WebSocket through the gateway to the demo upstream's echo, sends "echo", returns the reply. */
  private static String echo(GatewayHarness gateway, String... headers) throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket.Builder builder = gateway.http.newWebSocketBuilder();
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    WebSocket socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + gateway.port + "/api/v1/ws"),
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            reply.complete(data.toString());
            return null;
          }
        }).get(15, TimeUnit.SECONDS);
    try {
      socket.sendText("echo", true);
      return reply.get(15, TimeUnit.SECONDS);
    } finally {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
  }

  /** Sends a raw request and returns the response head only (a 101 has no body to wait for). */
  private static String rawHead(GatewayHarness gateway, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", gateway.port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1) {
        head.write(b);
        if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          break;
        }
      }
      return head.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
