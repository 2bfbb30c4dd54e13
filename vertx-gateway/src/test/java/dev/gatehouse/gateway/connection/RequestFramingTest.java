package dev.gatehouse.gateway.connection;

import static dev.gatehouse.gateway.testing.GatewayHarness.GOOD;
import static dev.gatehouse.gateway.testing.GatewayHarness.READER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.RawConnection;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request framing a front proxy could read differently from the gateway (request smuggling, RFC 9112 sections 6, 7
 * and 11.2), written byte for byte. Each refused request gets exactly one JSON 400 with {@code Connection: close},
 * then the connection closes: the request hidden behind it is never answered.
 */
class RequestFramingTest {
  private static final String HEAD = "POST /api/v1/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GOOD
      + "\r\n";
  /** Answered only if the gateway took the bytes before it as a complete request. */
  private static final String SMUGGLED = "GET /api/v1/roles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
      + READER + "\r\n\r\n";

  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new GatewayHarness(null);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  static Stream<Arguments> refused() {
    String chunked = HEAD + "Transfer-Encoding: chunked\r\n\r\n";
    return Stream.of(
        // Netty 4.2.9 reads the size into an int: 0x100000011 wraps to 17, and the rest becomes a second request.
        Arguments.of("chunk size overflowing 32 bits", chunked + "100000011\r\n" + "a".repeat(17) + "\r\n0\r\n\r\n"),
        Arguments.of("leading zeros before an overflowing chunk size",
            chunked + "0000000100000011\r\n" + "a".repeat(17) + "\r\n0\r\n\r\n"),
        Arguments.of("chunk size of 2^31", chunked + "80000000\r\n" + "a".repeat(17) + "\r\n0\r\n\r\n"),
        Arguments.of("chunk size of 2^64 + 17", chunked + "10000000000000011\r\n" + "a".repeat(17) + "\r\n0\r\n\r\n"),
        Arguments.of("junk after the chunk size", chunked + "11 x\r\n" + "a".repeat(17) + "\r\n0\r\n\r\n"),
        Arguments.of("whitespace before the chunk size", chunked + " 11\r\n" + "a".repeat(17) + "\r\n0\r\n\r\n"),
        Arguments.of("0x prefix on the chunk size", chunked + "0x11\r\n" + "a".repeat(17) + "\r\n0\r\n\r\n"),
        Arguments.of("negative chunk size", chunked + "-11\r\n" + "a".repeat(17) + "\r\n0\r\n\r\n"),
        Arguments.of("empty chunk size", chunked + "\r\n" + "a".repeat(17) + "\r\n0\r\n\r\n"),
        Arguments.of("bare LF after the chunk size", chunked + "11\n" + "a".repeat(17) + "\r\n0\r\n\r\n"),
        Arguments.of("chunk extension of 5000 bytes",
            chunked + "11;x=" + "e".repeat(5000) + "\r\n" + "a".repeat(17) + "\r\n0\r\n\r\n"),
        Arguments.of("chunk data longer than its size", chunked + "2\r\nabcd\r\n0\r\n\r\n"),
        Arguments.of("Transfer-Encoding and Content-Length together",
            HEAD + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n11\r\n" + "a".repeat(17) + "\r\n0\r\n\r\n"),
        Arguments.of("Transfer-Encoding folded onto a second line (obs-fold)",
            HEAD + "Transfer-Encoding:\r\n chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("another header folded (obs-fold with a tab)",
            HEAD + "X-Note: a\r\n\tb\r\nContent-Length: 5\r\n\r\nhello"),
        Arguments.of("whitespace between Transfer-Encoding and its colon",
            HEAD + "Transfer-Encoding : chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("Transfer-Encoding: chunked, chunked", HEAD + "Transfer-Encoding: chunked, chunked\r\n\r\n"
            + "5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("two Transfer-Encoding headers", HEAD + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"
            + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("Transfer-Encoding: xchunked", HEAD + "Transfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("Transfer-Encoding: gzip, chunked", HEAD + "Transfer-Encoding: gzip, chunked\r\n\r\n"
            + "5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("Content-Length: +5", HEAD + "Content-Length: +5\r\n\r\nhello"),
        Arguments.of("Content-Length: 5, 6", HEAD + "Content-Length: 5, 6\r\n\r\nhello!"),
        Arguments.of("Content-Length: 5, 5", HEAD + "Content-Length: 5, 5\r\n\r\nhello"),
        Arguments.of("two Content-Length headers", HEAD + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
        Arguments.of("Content-Length: 5x", HEAD + "Content-Length: 5x\r\n\r\nhello"),
        Arguments.of("Content-Length: 0x5", HEAD + "Content-Length: 0x5\r\n\r\nhello"),
        Arguments.of("bare LF ending a header line", HEAD + "Content-Length: 5\n\r\nhello"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedWithOneJson400AndTheConnectionClosed(String name, String request) {
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      connection.send(request + SMUGGLED);

      List<RawConnection.Response> responses = connection.readUntilClosed();

      assertThat(responses).as(name + ": exactly one answer, nothing for the bytes behind it").hasSize(1);
      RawConnection.Response refused = responses.get(0);
      assertThat(refused.status()).as(name + ": " + refused).isEqualTo(400);
      assertThat(refused.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(refused.header("Content-Type")).startsWith("application/json");
      JsonObject body = new JsonObject(refused.body());
      assertThat(body.getString("error")).isEqualTo("bad_request");
      assertThat(body.getString("message")).isNotBlank().doesNotContain("Exception");
    }
  }

  /** Behind a large head the refused bytes arrive over several reads, and more keep coming after the refusal. */
  @Test
  void aRefusalBehindALargeHeadReachesTheClientIntact() {
    String request = HEAD + "X-Padding: " + "p".repeat(12_000) + "\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "100000011\r\n" + "a".repeat(17) + "\r\n0\r\n\r\n" + SMUGGLED + "z".repeat(64 * 1024);
    for (int attempt = 0; attempt < 5; attempt++) {
      try (RawConnection connection = RawConnection.open(gateway.port)) {
        connection.send(request);

        List<RawConnection.Response> responses = connection.readUntilClosed();

        assertThat(responses).extracting(RawConnection.Response::status).containsExactly(400);
      }
    }
  }

  @Test
  void wellFormedChunkedBodiesStillPassWithExtensionsLeadingZerosAndTrailers() {
    String body = "5;name=value\r\nhello\r\n000A\r\n0123456789\r\n1f\r\n" + "b".repeat(31) + "\r\n"
        + "0\r\nX-Checksum: abc\r\n\r\n";
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      connection.send(HEAD + "Transfer-Encoding: chunked\r\n\r\n" + body);
      RawConnection.Response first = connection.read();
      // The same connection goes on: the framing was understood exactly.
      connection.send("GET /api/v1/roles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + READER
          + "\r\n\r\n");
      RawConnection.Response second = connection.read();

      assertThat(first.status()).as(first.toString()).isEqualTo(200);
      assertThat(new JsonObject(first.body()).getInteger("bodyLength")).isEqualTo(5 + 10 + 31);
      assertThat(first.header("Connection")).isNull();
      assertThat(second.status()).as(second.toString()).isEqualTo(200);
    }
  }

  @Test
  void aBodyOfManyChunksArrivingInPiecesIsForwardedWhole() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      body.append("40\r\n").append("c".repeat(64)).append("\r\n");
    }
    body.append("0\r\n\r\n");
    try (RawConnection connection = RawConnection.open(gateway.port)) {
      connection.send(HEAD + "Transfer-Encoding: chunked\r\n\r\n");
      // Split inside size lines and data alike, so the check must carry its state across reads.
      String bytes = body.toString();
      for (int at = 0; at < bytes.length(); at += 777) {
        connection.send(bytes.substring(at, Math.min(bytes.length(), at + 777)));
      }
      RawConnection.Response response = connection.read();

      assertThat(response.status()).as(response.toString()).isEqualTo(200);
      assertThat(new JsonObject(response.body()).getInteger("bodyLength")).isEqualTo(200 * 64);
    }
  }
}
