package dev.gatehouse.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One client connection that stays open across requests: writes bytes exactly as given, reads responses one by
 * one (Content-Length or chunked bodies), and tells whether the server closed the connection. For framing,
 * keep-alive, timeout and drain tests where what happens on the same connection matters.
 */
public final class RawConnection implements AutoCloseable {
  /** An upper bound for waiting on the server, never a measured duration: tests fail, not pass, when it is hit. */
  public static final Duration PATIENCE = Duration.ofSeconds(15);

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private boolean closedByServer;

  /** One response as received; header names lower-cased. */
  public record Response(int status, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : String.join(",", values);
    }
  }

  private RawConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  public static RawConnection open(int port) {
    try {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout((int) PATIENCE.toMillis());
      return new RawConnection(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot connect to 127.0.0.1:" + port, e);
    }
  }

  public RawConnection send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawConnection send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("Writing to the gateway failed", e);
    }
  }

  /** Writes without failing when the server already closed (a slow client does not know yet). */
  public boolean trySend(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the server sent something not read yet (without blocking). */
  public boolean hasUnreadBytes() {
    try {
      return pending.size() > 0 || in.available() > 0;
    } catch (IOException e) {
      return true;
    }
  }

  /** The next complete response; fails if the server closes first or says nothing within {@link #PATIENCE}. */
  public Response read() {
    try {
      while (true) {
        Response response = parse();
        if (response != null) {
          return response;
        }
        if (closedByServer) {
          throw new AssertionError("The server closed the connection before a complete response; received: "
              + pending.toString(StandardCharsets.ISO_8859_1));
        }
        fill();
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("No complete response within " + PATIENCE.toSeconds() + " s; received: "
          + pending.toString(StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      throw new UncheckedIOException("Reading from the gateway failed", e);
    }
  }

  /** Every response until the server closes the connection; fails if it is still open after {@link #PATIENCE}. */
  public List<Response> readUntilClosed() {
    List<Response> responses = new ArrayList<>();
    try {
      while (true) {
        Response response = parse();
        if (response != null) {
          responses.add(response);
          continue;
        }
        if (closedByServer) {
          if (pending.size() > 0) {
            throw new AssertionError("Bytes after the last complete response: "
                + pending.toString(StandardCharsets.ISO_8859_1));
          }
          return responses;
        }
        fill();
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("The server kept the connection open for " + PATIENCE.toSeconds()
          + " s; responses so far: " + responses);
    } catch (IOException e) {
      throw new UncheckedIOException("Reading from the gateway failed", e);
    }
  }

  /** Everything the server sends until it closes, undecoded; fails if it is still open after {@link #PATIENCE}. */
  public String rawUntilClosed() {
    try {
      while (fill()) {
        // keep reading
      }
      return pending.toString(StandardCharsets.ISO_8859_1);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("The server kept the connection open for " + PATIENCE.toSeconds() + " s; received: "
          + pending.toString(StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      throw new UncheckedIOException("Reading from the gateway failed", e);
    }
  }

  /** Waits (bounded by {@link #PATIENCE}) until the server closes; fails if any byte arrives instead. */
  public void awaitClosedWithoutAnswer() {
    List<Response> responses = readUntilClosed();
    if (!responses.isEmpty()) {
      throw new AssertionError("Expected the connection to be closed without an answer, got " + responses);
    }
  }

  public boolean closedByServer() {
    return closedByServer;
  }

  /** Reads once; false when the server closed (EOF or reset). */
  private boolean fill() throws IOException {
    if (closedByServer) {
      return false;
    }
    byte[] buffer = new byte[8192];
    int n;
    try {
      n = in.read(buffer);
    } catch (SocketException reset) {
      n = -1;
    }
    if (n < 0) {
      closedByServer = true;
      return false;
    }
    pending.write(buffer, 0, n);
    return true;
  }

  /** Takes one complete response off the front of what was received, or null if it is not all there yet. */
  private Response parse() {
    byte[] bytes = pending.toByteArray();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      return null;
    }
    String[] lines = text.substring(0, headEnd).split("\r\n");
    if (!lines[0].startsWith("HTTP/1.")) {
      throw new AssertionError("Not an HTTP/1.x response: " + text);
    }
    int status = Integer.parseInt(lines[0].substring(9, 12));
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).trim());
    }
    int bodyStart = headEnd + 4;
    String body;
    int end;
    List<String> length = headers.get("content-length");
    List<String> encoding = headers.get("transfer-encoding");
    if (status / 100 == 1 || status == 204 || status == 304) {
      body = "";
      end = bodyStart;
    } else if (length != null) {
      end = bodyStart + Integer.parseInt(length.get(0));
      if (bytes.length < end) {
        return null;
      }
      body = text.substring(bodyStart, end);
    } else if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
      StringBuilder decoded = new StringBuilder();
      int at = bodyStart;
      while (true) {
        int lineEnd = text.indexOf("\r\n", at);
        if (lineEnd < 0) {
          return null;
        }
        int size = Integer.parseInt(text.substring(at, lineEnd).split(";")[0].trim(), 16);
        if (size == 0) {
          int trailerEnd = text.indexOf("\r\n", lineEnd + 2);
          if (trailerEnd < 0) {
            return null;
          }
          end = trailerEnd + 2;
          break;
        }
        if (text.length() < lineEnd + 2 + size + 2) {
          return null;
        }
        decoded.append(text, lineEnd + 2, lineEnd + 2 + size);
        at = lineEnd + 2 + size + 2;
      }
      body = decoded.toString();
    } else {
      // Delimited by the close.
      if (!closedByServer) {
        return null;
      }
      end = bytes.length;
      body = text.substring(bodyStart);
    }
    pending.reset();
    pending.write(bytes, end, bytes.length - end);
    return new Response(status, headers, body);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a test socket
    }
  }
}
