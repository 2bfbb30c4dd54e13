package dev.gatehouse.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends bytes the JDK client refuses to (duplicate Host, lower-case methods, odd targets) and reads one response:
 * its head, then Content-Length bytes of body (or up to the close).
 */
public final class RawHttp {
  private static final Pattern CONTENT_LENGTH = Pattern.compile("\r\ncontent-length:\\s*(\\d+)");

  private RawHttp() {}

  public static String exchange(int port, String request) throws Exception {
    return exchange(port, request, null);
  }

  /** From a chosen loopback source address ({@code 127.0.0.2}...), to look like another client; null: any. */
  public static String exchange(int port, String request, java.net.InetAddress from) throws Exception {
    try (Socket socket = new Socket(java.net.InetAddress.getByName("127.0.0.1"), port, from, 0)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int read;
      while ((read = in.read(buffer)) != -1) {
        response.write(buffer, 0, read);
        if (complete(response.toString(StandardCharsets.ISO_8859_1))) {
          break;
        }
      }
      return response.toString(StandardCharsets.UTF_8);
    }
  }

  private static boolean complete(String soFar) {
    int headEnd = soFar.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      return false;
    }
    Matcher length = CONTENT_LENGTH.matcher(soFar.substring(0, headEnd + 2).toLowerCase(Locale.ROOT));
    return length.find() && soFar.length() - headEnd - 4 >= Integer.parseInt(length.group(1));
  }

  public static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }

  public static String body(String response) {
    int split = response.indexOf("\r\n\r\n");
    return split < 0 ? "" : response.substring(split + 4);
  }
}
