package dev.gatehouse.gateway.credential;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How the gateway reads request cookies, in one place: the credential extractor, the CSRF origin check and the
 * login endpoints all read them here, so they cannot disagree about what a request carries. Every {@code Cookie}
 * header counts (HTTP/2 sends one per cookie, and a client may send several on HTTP/1.1); pairs are split on
 * {@code ;}, names are compared exactly after trimming, and a pair without {@code =} is no cookie (browsers read it as
 * a nameless one).
 */
public final class RequestCookies {
  private RequestCookies() {}

  /** Every value of cookie {@code name}, unquoted (RFC 6265 section 4.1.1), in the order sent. */
  public static List<String> values(List<String> cookieHeaders, String name) {
    List<String> values = new ArrayList<>(1);
    for (String header : cookieHeaders) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
          values.add(unquote(pair.substring(eq + 1).strip()));
        }
      }
    }
    return values;
  }

  /** The value of cookie {@code name}, or null when it is absent, empty, or sent more than once with different values. */
  public static String single(List<String> cookieHeaders, String name) {
    List<String> values = values(cookieHeaders, name);
    if (values.isEmpty() || values.get(0).isEmpty()) {
      return null;
    }
    String first = values.get(0);
    return values.stream().allMatch(first::equals) ? first : null;
  }

  /** True when any of {@code names} is among the cookies. */
  public static boolean containsAny(List<String> cookieHeaders, Set<String> names) {
    for (String header : cookieHeaders) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && names.contains(pair.substring(0, eq).strip())) {
          return true;
        }
      }
    }
    return false;
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }
}
