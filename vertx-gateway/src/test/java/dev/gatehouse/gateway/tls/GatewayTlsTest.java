package dev.gatehouse.gateway.tls;

import static dev.gatehouse.gateway.testing.GatewayHarness.GOOD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.gateway.http.RequestTarget;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.TestCertificates;
import dev.gatehouse.gateway.testing.TestCertificates.Issued;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway terminating TLS itself: HTTP/1.1 and HTTP/2 over ALPN, modern suites only, HSTS, live rotation. */
class GatewayTlsTest {
  @TempDir
  static Path dir;
  private static Issued ca;
  private static Issued first;
  private static Path certFile;
  private static Path keyFile;
  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCertificates.ca("Gatehouse Test CA");
    first = TestCertificates.server(ca);
    Path[] files = first.write(dir, "served");
    certFile = files[0];
    keyFile = files[1];
    // Two server verticles, as in production: a rotation must reach every one of them.
    gateway = new GatewayHarness(null, null, json -> json.put("tls", new JsonObject()
        .put("certFile", certFile.toString()).put("keyFile", keyFile.toString()).put("reloadIntervalSeconds", 1)), 2);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static HttpClient client(HttpClient.Version version) throws Exception {
    return HttpClient.newBuilder().sslContext(ca.trustingContext()).version(version)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpResponse<String> echo(HttpClient client) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gateway.port + "/api/v1/echo"))
        .header("Authorization", "Bearer " + GOOD).timeout(Duration.ofSeconds(15)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void http11ClientsAreServedOverTls() throws Exception {
    HttpResponse<String> response = echo(client(HttpClient.Version.HTTP_1_1));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    JsonObject headers = new JsonObject(response.body()).getJsonObject("headers");
    assertThat(headers.getJsonArray("x-forwarded-proto").getString(0)).isEqualTo("https");
    assertThat(headers.getJsonArray("x-forwarded-for").getString(0)).isEqualTo("127.0.0.1");
  }

  @Test
  void http2IsNegotiatedThroughAlpn() throws Exception {
    HttpResponse<String> response = echo(client(HttpClient.Version.HTTP_2));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(new JsonObject(response.body()).getString("path")).isEqualTo("/api/v1/echo");
  }

  @Test
  void everyAnswerOverTlsCarriesHsts() throws Exception {
    HttpResponse<String> allowed = echo(client(HttpClient.Version.HTTP_2));
    HttpResponse<String> refused = client(HttpClient.Version.HTTP_1_1).send(HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + gateway.port + "/api/v1/echo")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(allowed.headers().firstValue("strict-transport-security")).hasValue("max-age=31536000");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().firstValue("strict-transport-security")).hasValue("max-age=31536000");
  }

  @Test
  void weakSuitesAndOldProtocolsAreRefused() throws Exception {
    try (SSLSocket socket = socket(ca.trustingContext())) {
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.setEnabledCipherSuites(new String[] {"TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"});
      assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }
    try (SSLSocket socket = socket(ca.trustingContext())) {
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.startHandshake();
      assertThat(socket.getSession().getCipherSuite()).isIn(ServerTlsOptions.DEFAULT_CIPHER_SUITES);
    }
    try (SSLSocket socket = socket(ca.trustingContext())) {
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
  }

  /**
   * The certificate changes on disk the way cert-manager's secret volume changes it (new files swapped in whole);
   * new connections get the new certificate, and a connection opened before keeps working.
   */
  @Test
  void aRotatedCertificateReachesNewConnectionsWithoutDroppingOpenOnes() throws Exception {
    try (SSLSocket open = socket(ca.trustingContext())) {
      assertThat(exchange(open)).startsWith("HTTP/1.1 200");
      BigInteger before = served(open);

      Issued second = TestCertificates.server(ca);
      Path[] staged = second.write(Files.createTempDirectory(dir, "staged"), "next");
      Files.move(staged[1], keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.move(staged[0], certFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

      // Both server instances: several new connections in a row must all see the new certificate.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      int inARow = 0;
      while (inARow < 6) {
        assertThat(System.nanoTime()).as("new connections still get the old certificate").isLessThan(deadline);
        try (SSLSocket fresh = socket(ca.trustingContext())) {
          fresh.startHandshake();
          inARow = served(fresh).equals(second.serial()) ? inARow + 1 : 0;
        }
        if (inARow == 0) {
          Thread.sleep(100); // poll interval, not synchronisation: the loop waits for the condition
        }
      }

      assertThat(exchange(open)).as("the connection opened before the rotation").startsWith("HTTP/1.1 200");
      assertThat(served(open)).isEqualTo(before);
      HttpResponse<String> http2 = echo(client(HttpClient.Version.HTTP_2));
      assertThat(http2.statusCode()).isEqualTo(200);
      assertThat(http2.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }
  }

  private static SSLSocket socket(SSLContext context) throws Exception {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
    socket.connect(new InetSocketAddress("127.0.0.1", gateway.port), 5_000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static BigInteger served(SSLSocket socket) throws Exception {
    return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
  }

  /** One keep-alive HTTP/1.1 request on {@code socket}; the head and the Content-Length body. */
  private static String exchange(SSLSocket socket) throws Exception {
    socket.getOutputStream().write(("GET /api/v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GOOD
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IllegalStateException("connection closed after " + head);
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    String lower = text.toLowerCase(Locale.ROOT);
    int at = lower.indexOf("content-length:");
    int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
    return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
