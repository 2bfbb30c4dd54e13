package dev.gatehouse.gateway.http;

import dev.gatehouse.gateway.ops.DecisionOutcome;
import dev.gatehouse.gateway.reply.ErrorReply;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * Why the gateway answers a request itself instead of letting it through, and how: the status, the JSON error, the
 * one header the status calls for (a {@code WWW-Authenticate} challenge, {@code Retry-After}, {@code Allow}) and the
 * metrics outcome. Built by the steps of the request pipeline and by {@code /explain}, so both say the same thing.
 *
 * @param header      name of the extra response header, or null
 * @param headerValue its value, or null
 * @param method      the request's method, set only on a 403 (its body names what was refused)
 * @param path        the canonical path, set only on a 403
 */
public record Refusal(DecisionOutcome outcome, int status, String error, String message, String header,
    String headerValue, String method, String path) {

  public static Refusal badRequest(String message) {
    return new Refusal(DecisionOutcome.BAD_REQUEST, 400, "bad_request", message, null, null, null, null);
  }

  public static Refusal methodNotAllowed(String message, String allow) {
    return new Refusal(DecisionOutcome.BAD_REQUEST, 405, "method_not_allowed", message, "Allow", allow, null, null);
  }

  public static Refusal notImplemented(String message) {
    return new Refusal(DecisionOutcome.BAD_REQUEST, 501, "not_implemented", message, null, null, null, null);
  }

  /** No credential at all: the bare challenge (RFC 6750 section 3.1: no error code). */
  public static Refusal missingCredential() {
    return new Refusal(DecisionOutcome.UNAUTHENTICATED, 401, "unauthenticated", "Sign in: send a token as"
        + " \"Authorization: Bearer <token>\" or in the gateway's cookie.", "WWW-Authenticate", "Bearer", null, null);
  }

  /**
   * Something credential-like that is not one unambiguous Bearer token. RFC 6750 section 3.1: 400 with
   * {@code error="invalid_request"}; an unsupported scheme gets 401 with the bare challenge.
   */
  public static Refusal unusableCredential(int status, String oauthError, String message) {
    return new Refusal(DecisionOutcome.UNAUTHENTICATED, status, oauthError == null ? "unauthenticated" : oauthError,
        message, "WWW-Authenticate", oauthError == null ? "Bearer" : "Bearer error=\"" + oauthError + "\"", null, null);
  }

  public static Refusal invalidToken(String message) {
    return new Refusal(DecisionOutcome.UNAUTHENTICATED, 401, "invalid_token", message, "WWW-Authenticate",
        "Bearer error=\"invalid_token\", error_description=\"" + ErrorReply.quotable(message) + "\"", null, null);
  }

  public static Refusal tooManyRequests(String message) {
    return new Refusal(DecisionOutcome.UNAUTHENTICATED, 429, "too_many_requests", message, "Retry-After", "1", null,
        null);
  }

  /** Fail closed: the gateway cannot decide now (keys, activities or revocation list missing or stale). */
  public static Refusal unavailable(String message) {
    return new Refusal(DecisionOutcome.UNAVAILABLE, 503, "unavailable", message, "Retry-After", "5", null, null);
  }

  public static Refusal forbidden(String method, String path) {
    return new Refusal(DecisionOutcome.DENIED, 403, "forbidden", "None of your permissions allows " + method + " "
        + path + ".", null, null, method, path);
  }

  /** A cookie request that does not come from one of our apps (see {@code OriginCheck}). */
  public static Refusal crossSite(String error, String message) {
    return new Refusal(DecisionOutcome.UNAUTHENTICATED, 403, error, message, null, null, null, null);
  }

  /** Writes the answer; on HTTP/1 the connection closes after it when an unread body may follow. */
  public Future<Void> answer(HttpServerRequest request) {
    if (header != null) {
      request.response().putHeader(header, headerValue);
    }
    JsonObject body = new JsonObject().put("error", error).put("message", message);
    if (method != null) {
      body.put("method", method).put("path", path);
    }
    return ErrorReply.write(request, status, body);
  }

  /** For {@code /explain}: what a request like this would get, in one sentence. */
  public String explanation() {
    return "The gateway answers " + status + " (" + error + "): " + message;
  }
}
