package dev.gatehouse.gateway.proxy;

import java.util.ArrayList;
import java.util.List;

/** Removes one cookie from Cookie header values, keeping every other cookie exactly as sent. */
final class CookieHeaders {
  private CookieHeaders() {}

  /** The Cookie header value without any {@code name=...} pair, or null when nothing is left. */
  static String without(String cookieHeader, String name) {
    List<String> kept = new ArrayList<>();
    for (String pair : cookieHeader.split(";")) {
      String trimmed = pair.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      String cookieName = (eq < 0 ? trimmed : trimmed.substring(0, eq)).trim();
      if (!cookieName.equals(name)) {
        kept.add(trimmed);
      }
    }
    return kept.isEmpty() ? null : String.join("; ", kept);
  }
}
