package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The identity contract with upstreams: {@code <prefix>Subject}, {@code Username}, {@code Email},
 * {@code Permissions} and {@code Roles} (comma-separated, sorted), plus {@code Api-Token-Id} when the caller used a
 * user's API token (absent otherwise), so a service can tell a third-party app from the user. Upstreams may trust these headers only because
 * the gateway removes every inbound header of the family (any case, any count) before setting its own.
 */
public final class IdentityHeaders {
  private final String prefix;
  private final int maxBytes;

  public IdentityHeaders(String prefix, int maxBytes) {
    this.prefix = prefix;
    this.maxBytes = maxBytes;
  }

  /** The headers for {@code token}, in a stable order; throws {@link IdentityTooLargeException} past the bound. */
  public Map<String, String> forToken(VerifiedToken token) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(prefix + "Subject", headerSafe(token.subject()));
    headers.put(prefix + "Username", headerSafe(token.username()));
    headers.put(prefix + "Email", headerSafe(token.email()));
    headers.put(prefix + "Permissions", joinSorted(token.permissions()));
    headers.put(prefix + "Roles", joinSorted(token.roles()));
    if (token.apiTokenId() != null) {
      headers.put(prefix + "Api-Token-Id", headerSafe(token.apiTokenId()));
    }
    int size = byteSize(headers);
    if (size > maxBytes) {
      throw new IdentityTooLargeException("The caller's identity headers would take " + size
          + " bytes, over the configured identity.maxHeaderBytes of " + maxBytes + " (" + token.permissions().size()
          + " permissions, " + token.roles().size() + " roles).");
    }
    return headers;
  }

  /** Removes every header whose name starts with the prefix, in any case. */
  public void stripInbound(MultiMap headers) {
    String lowerPrefix = prefix.toLowerCase(Locale.ROOT);
    List<String> doomed = new ArrayList<>();
    for (String name : headers.names()) {
      if (name.toLowerCase(Locale.ROOT).startsWith(lowerPrefix)) {
        doomed.add(name);
      }
    }
    doomed.forEach(headers::remove);
  }

  /** Bytes on the wire: "Name: value\r\n" per header. */
  static int byteSize(Map<String, String> headers) {
    int size = 0;
    for (Map.Entry<String, String> header : headers.entrySet()) {
      size += header.getKey().length() + 2 + header.getValue().getBytes(StandardCharsets.UTF_8).length + 2;
    }
    return size;
  }

  private static String joinSorted(Iterable<String> values) {
    TreeSet<String> sorted = new TreeSet<>();
    // A comma inside a name would split it in two: encode it like any other separator.
    values.forEach(v -> sorted.add(headerSafe(v).replace(",", "%2C")));
    return String.join(",", sorted);
  }

  /**
   * Header values are kept to visible ASCII: anything else (control characters, non-ASCII letters) and '%' itself
   * are percent-encoded as UTF-8, so a claim can never inject a header line or confuse a parser.
   */
  static String headerSafe(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
