package dev.gatehouse.gateway.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.List;
import java.util.Set;

/**
 * The pipeline's first step for every request: refuses what the HTTP server itself lets through but the gateway must
 * not interpret (RFC 9110/9112), and fixes the one canonical target everything later decides on.
 */
public final class RequestGuard {
  /** Methods the gateway forwards. Methods are case-sensitive: "get" is unknown, not GET. */
  static final Set<String> SUPPORTED_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  /** Known methods a gateway must not forward: TRACE echoes credentials back, CONNECT would open a tunnel. */
  static final Set<String> REFUSED_METHODS = Set.of("TRACE", "CONNECT");
  /** Request headers the cross-site checks read that must not be repeated. */
  static final List<String> SINGLE_VALUED = List.of("Origin", "Sec-Fetch-Site", "Sec-Fetch-Mode");
  static final String ALLOW = String.join(", ", List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));

  private RequestGuard() {}

  /** Why the gateway must not interpret {@code request} at all, or null when it may. */
  public static Refusal check(HttpServerRequest request) {
    String method = request.method().name();
    if (REFUSED_METHODS.contains(method)) {
      return Refusal.methodNotAllowed(method + " is not allowed through the gateway. Allowed: " + ALLOW + ".", ALLOW);
    }
    if (!SUPPORTED_METHODS.contains(method)) {
      return Refusal.notImplemented("Unknown method \"" + printable(method)
          + "\" (methods are case-sensitive). Supported: " + ALLOW + ".");
    }
    String problem = hostProblem(request);
    if (problem == null) {
      problem = framingProblem(request);
    }
    if (problem == null) {
      problem = upgradeProblem(request);
    }
    if (problem == null) {
      problem = duplicateProblem(request);
    }
    return problem == null ? null : Refusal.badRequest(problem);
  }

  /**
   * Answers a refused request. On HTTP/1 the connection is closed after the answer: a malformed request says nothing
   * trustworthy about where the next one starts.
   */
  static void refuse(HttpServerRequest request, Refusal refusal) {
    if (request.version() == HttpVersion.HTTP_2) {
      refusal.answer(request);
      return;
    }
    request.response().putHeader(HttpHeaders.CONNECTION, "close");
    refusal.answer(request).onComplete(done -> request.connection().close());
  }

  /** HTTP/1.1 needs exactly one Host (RFC 9112 section 3.2); two could make the gateway and upstream disagree. */
  static String hostProblem(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      return request.authority() == null ? "The request has no :authority." : null;
    }
    List<String> hosts = request.headers().getAll(HttpHeaders.HOST);
    if (hosts.isEmpty()) {
      return request.version() == HttpVersion.HTTP_1_0 ? null : "The request has no Host header; HTTP/1.1 needs one.";
    }
    if (hosts.size() > 1) {
      return "The request has " + hosts.size() + " Host headers; send exactly one.";
    }
    return hosts.get(0).isBlank() ? "The Host header is empty." : null;
  }

  /** Refuses ambiguous body framing, the root of request smuggling (RFC 9112 section 6.1 and 6.3). */
  static String framingProblem(HttpServerRequest request) {
    List<String> encodings = request.headers().getAll(HttpHeaders.TRANSFER_ENCODING);
    List<String> lengths = request.headers().getAll(HttpHeaders.CONTENT_LENGTH);
    if (!encodings.isEmpty()) {
      if (!lengths.isEmpty()) {
        return "Send either Transfer-Encoding or Content-Length, not both.";
      }
      if (encodings.size() > 1 || !encodings.get(0).trim().equalsIgnoreCase("chunked")) {
        return "The only Transfer-Encoding accepted is a single \"chunked\".";
      }
    }
    if (lengths.size() > 1) {
      return "Send one Content-Length header, not " + lengths.size() + ".";
    }
    return null;
  }

  /**
   * Only WebSocket upgrades are forwarded, and vertx-http-proxy tunnels whatever protocol the upstream then switches
   * to. So a request that mentions "websocket" in Upgrade (matched as a substring, in any case, like the proxy does)
   * must be exactly one clean handshake: with "websocket, h2c" an upstream could switch to HTTP/2 and take every
   * later request on that connection past the gateway. Other upgrades (curl and the JDK client offer h2c on plain
   * http) are hop-by-hop headers the proxy drops: they are served as ordinary HTTP/1.1.
   */
  static String upgradeProblem(HttpServerRequest request) {
    List<String> upgrades = request.headers().getAll(HttpHeaders.UPGRADE);
    if (upgrades.stream().noneMatch(value -> value.toLowerCase(java.util.Locale.ROOT).contains("websocket"))) {
      return null;
    }
    if (upgrades.size() != 1 || !upgrades.get(0).strip().equalsIgnoreCase("websocket")) {
      return "A WebSocket handshake needs exactly one \"Upgrade: websocket\" header with nothing else in it.";
    }
    if (request.method() != io.vertx.core.http.HttpMethod.GET || request.version() != HttpVersion.HTTP_1_1) {
      return "A WebSocket handshake (Upgrade: websocket) must be an HTTP/1.1 GET.";
    }
    return null;
  }

  /** Browsers send these at most once; two would let the origin check and an upstream read different values. */
  static String duplicateProblem(HttpServerRequest request) {
    for (String name : SINGLE_VALUED) {
      int count = request.headers().getAll(name).size();
      if (count > 1) {
        return "The request has " + count + " " + name + " headers; send at most one.";
      }
    }
    return null;
  }

  private static String printable(String text) {
    String cut = text.length() > 32 ? text.substring(0, 32) + "..." : text;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
