package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.forwarded.ClientOrigin;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which headers cross the gateway, in both directions. Towards the upstream the gateway is where the trust boundary
 * starts: hop-by-hop headers stay behind (RFC 9110 section 7.6.1), and every header the gateway speaks for (identity,
 * X-Forwarded-*, method overrides, the credential itself) is dropped from what the client sent and written by the
 * gateway alone. Names compare case-insensitively without allocating.
 */
final class UpstreamHeaders {
  /** Ways to make an upstream run a different method than the one the gateway authorised. */
  static final List<String> METHOD_OVERRIDES = List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");
  /** Overwritten, never appended to: the gateway is where the trust boundary starts (see the README). */
  static final List<String> FORWARDING = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Proto",
      "X-Forwarded-Host", "X-Forwarded-Port", "X-Real-IP");
  private static final List<String> HOP_BY_HOP = List.of("Connection", "Keep-Alive", "Proxy-Authenticate",
      "Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade");

  private final String identityPrefix;
  private final String cookieName;

  UpstreamHeaders(String identityPrefix, String cookieName) {
    this.identityPrefix = identityPrefix;
    this.cookieName = cookieName;
  }

  /**
   * Copies the client's end-to-end headers to the upstream request, without those the gateway writes itself, Host
   * (the upstream is addressed by its own name), Expect (the gateway answers 100-continue itself) and the cookie
   * (see {@link #addGatewayHeaders}).
   */
  void copyRequestHeaders(MultiMap from, MultiMap to, boolean dropAuthorization) {
    List<String> connectionListed = connectionListed(from);
    for (Map.Entry<String, String> header : from) {
      String name = header.getKey();
      if (isHopByHop(name) || is(name, "Host") || is(name, "Expect") || is(name, "Cookie")
          || gatewayOwned(name, dropAuthorization) || listed(connectionListed, name)) {
        continue;
      }
      to.add(name, header.getValue());
    }
  }

  /**
   * For a request whose headers were copied by someone else (the WebSocket handshake): removes what the gateway
   * writes itself, keeping the hop-by-hop headers the handshake needs.
   */
  void removeGatewayOwned(MultiMap headers, boolean dropAuthorization) {
    List<String> doomed = new ArrayList<>();
    for (Map.Entry<String, String> header : headers) {
      if (gatewayOwned(header.getKey(), dropAuthorization)) {
        doomed.add(header.getKey());
      }
    }
    doomed.forEach(headers::remove);
  }

  /**
   * The identity contract, X-Forwarded-*, and the client's cookies without the gateway's own session cookie. One
   * Cookie header upstream (RFC 9113 section 8.2.3: HTTP/2 clients may split cookies over several fields).
   */
  void addGatewayHeaders(MultiMap from, MultiMap to, Map<String, String> identity, ClientOrigin origin, String host) {
    to.remove(HttpHeaders.COOKIE);
    List<String> cookies = from.getAll(HttpHeaders.COOKIE);
    if (!cookies.isEmpty()) {
      StringBuilder joined = null;
      for (String value : cookies) {
        String kept = CookieHeaders.without(value, cookieName);
        if (kept != null) {
          joined = joined == null ? new StringBuilder(kept) : joined.append("; ").append(kept);
        }
      }
      if (joined != null) {
        to.set(HttpHeaders.COOKIE, joined.toString());
      }
    }
    for (Map.Entry<String, String> header : identity.entrySet()) {
      to.set(header.getKey(), header.getValue());
    }
    if (origin.forwardedFor() != null) {
      to.set("X-Forwarded-For", origin.forwardedFor());
    }
    to.set("X-Forwarded-Proto", origin.scheme() == null ? "http" : origin.scheme());
    if (host != null) {
      to.set("X-Forwarded-Host", host);
    }
  }

  /** Copies the upstream's end-to-end response headers to the client's response. */
  static void copyResponseHeaders(MultiMap from, MultiMap to) {
    List<String> connectionListed = connectionListed(from);
    for (Map.Entry<String, String> header : from) {
      String name = header.getKey();
      if (!isHopByHop(name) && !listed(connectionListed, name)) {
        to.add(name, header.getValue());
      }
    }
  }

  private boolean gatewayOwned(String name, boolean dropAuthorization) {
    return name.regionMatches(true, 0, identityPrefix, 0, identityPrefix.length())
        || (dropAuthorization && is(name, "Authorization"))
        || anyIs(FORWARDING, name) || anyIs(METHOD_OVERRIDES, name);
  }

  static boolean isHopByHop(String name) {
    return name.startsWith(":") || anyIs(HOP_BY_HOP, name);
  }

  /** Extra hop-by-hop names listed in Connection (RFC 9110 section 7.6.1); null when there are none. */
  private static List<String> connectionListed(MultiMap headers) {
    String connection = headers.get(HttpHeaders.CONNECTION);
    if (connection == null) {
      return null;
    }
    List<String> listed = null;
    for (String token : connection.split(",")) {
      String name = token.trim();
      if (!name.isEmpty() && !name.equalsIgnoreCase("close") && !name.equalsIgnoreCase("keep-alive")
          && !name.equalsIgnoreCase("upgrade")) {
        if (listed == null) {
          listed = new ArrayList<>(2);
        }
        listed.add(name);
      }
    }
    return listed;
  }

  private static boolean listed(List<String> names, String name) {
    return names != null && anyIs(names, name);
  }

  private static boolean anyIs(List<String> names, String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean is(String name, String expected) {
    return name.equalsIgnoreCase(expected);
  }
}
