package dev.gatehouse.it.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Writes a request byte for byte (request line and headers exactly as given) and reads the answer until the server
 * closes: for targets and header combinations that java.net.http refuses to send.
 */
final class RawHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Response(int status, String head, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("Expected a JSON body (HTTP " + status + "), got: " + body, e);
      }
    }
  }

  private RawHttp() {}

  /** {@code lines}: the request line and header lines, without line ends; "Connection: close" is added. */
  static Response send(int port, String... lines) {
    StringBuilder request = new StringBuilder();
    for (String line : lines) {
      request.append(line).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    return sendBytes(port, request.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Writes {@code request} on a keep-alive connection, runs {@code afterWrite}, then returns everything the server
   * sends until it closes the connection (undecoded; several responses would all be there).
   */
  static String exchangeUntilClosed(int port, byte[] request, Runnable afterWrite) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      afterWrite.run();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("Raw exchange with 127.0.0.1:" + port + " failed", e);
    }
  }

  static Response sendBytes(int port, byte[] request) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
      }
      String text = out.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.1 ") || split < 0) {
        throw new IllegalStateException("Not an HTTP/1.1 answer: " + text);
      }
      return new Response(Integer.parseInt(text.substring(9, 12)), text.substring(0, split), text.substring(split + 4));
    } catch (IOException e) {
      throw new UncheckedIOException("Raw request to 127.0.0.1:" + port + " failed", e);
    }
  }
}
