package dev.gatehouse.gateway.reply;


import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;

/**
 * The gateway's own error answers: a short JSON body {@code {"error": code, "message": for people}}. Never a
 * stack trace, never an upstream's internals.
 */
public final class ErrorReply {
  private ErrorReply() {}

  public static void badRequest(HttpServerRequest request, String message) {
    send(request, 400, "bad_request", message);
  }

  /** No credential at all: the bare challenge (RFC 6750 section 3.1: no error code). */
  public static void missingCredential(HttpServerRequest request) {
    request.response().putHeader("WWW-Authenticate", "Bearer");
    send(request, 401, "unauthenticated", "Sign in: send a token as \"Authorization: Bearer <token>\" or in the "
        + "gateway's cookie.");
  }

  /**
   * Something credential-like was sent but it is not one unambiguous Bearer token. RFC 6750 section 3.1: 400 with
   * {@code error="invalid_request"}; an unsupported scheme gets 401 with the bare challenge.
   */
  public static void unusableCredential(HttpServerRequest request, int status, String oauthError, String message) {
    request.response().putHeader("WWW-Authenticate", oauthError == null ? "Bearer" : "Bearer error=\"" + oauthError + "\"");
    send(request, status, oauthError == null ? "unauthenticated" : oauthError, message);
  }

  public static void invalidToken(HttpServerRequest request, String message) {
    request.response().putHeader("WWW-Authenticate",
        "Bearer error=\"invalid_token\", error_description=\"" + quotable(message) + "\"");
    send(request, 401, "invalid_token", message);
  }

  public static void forbidden(HttpServerRequest request, String method, String path) {
    write(request, 403, new JsonObject()
        .put("error", "forbidden")
        .put("message", "None of your permissions allows " + method + " " + path + ".")
        .put("method", method)
        .put("path", path));
  }

  public static void notFound(HttpServerRequest request, String message) {
    send(request, 404, "not_found", message);
  }

  public static void unavailable(HttpServerRequest request, String message) {
    request.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
    send(request, 503, "unavailable", message);
  }

  public static void tooManyRequests(HttpServerRequest request, String message) {
    request.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
    send(request, 429, "too_many_requests", message);
  }

  public static Future<Void> send(HttpServerRequest request, int status, String error, String message) {
    return write(request, status, new JsonObject().put("error", error).put("message", message));
  }

  /**
   * Answers before the request body was read. If a body may still be coming on an HTTP/1 connection, the
   * connection is closed after the answer: unread body bytes must never be parsed as a next request.
   */
  public static Future<Void> write(HttpServerRequest request, int status, JsonObject body) {
    HttpServerResponse response = request.response();
    if (response.headWritten()) {
      response.reset();
      return Future.succeededFuture();
    }
    boolean closeAfter = request.version() != HttpVersion.HTTP_2 && bodyMayFollow(request);
    if (closeAfter) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    Future<Void> written = response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
    return closeAfter ? written.onComplete(done -> request.connection().close()) : written;
  }

  public static boolean bodyMayFollow(HttpServerRequest request) {
    if (request.isEnded()) {
      return false;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
        || (length != null && !length.trim().equals("0"));
  }

  public static String body(String error, String message) {
    return new JsonObject().put("error", error).put("message", message).encode();
  }

  /** RFC 6750 error_description allows %x20-21 / %x23-5B / %x5D-7E only. */
  public static String quotable(String message) {
    StringBuilder out = new StringBuilder(message.length());
    for (char c : message.toCharArray()) {
      out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '\'');
    }
    return out.toString();
  }
}
