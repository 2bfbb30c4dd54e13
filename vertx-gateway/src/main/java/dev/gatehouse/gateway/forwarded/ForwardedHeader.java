package dev.gatehouse.gateway.forwarded;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Just enough of RFC 7239 {@code Forwarded} to read {@code for=} and {@code proto=}: quoted strings respected. */
final class ForwardedHeader {
  private ForwardedHeader() {}

  /** The comma-separated elements of one header value, outside quoted strings. */
  static List<String> elements(String value) {
    return split(value, ',');
  }

  /** The value of {@code name} in one element ({@code for=192.0.2.60;proto=https}), or null. */
  static String parameter(String element, String name) {
    for (String pair : split(element, ';')) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return pair.substring(eq + 1).trim();
      }
    }
    return null;
  }

  private static List<String> split(String text, char separator) {
    List<String> parts = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && quoted) {
        i++;
      } else if (c == separator && !quoted) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    return parts;
  }
}
