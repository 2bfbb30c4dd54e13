package dev.gatehouse.gateway.me;

import dev.gatehouse.gateway.logging.Failures;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import dev.gatehouse.gateway.reply.ErrorReply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's own API tokens, managed at Keycloak's {@code /realms/{realm}/api-tokens} (extension pack) with the
 * caller's own verified access token. The browser cannot do this itself: its access token is in an HttpOnly cookie.
 * Keycloak's answers are relayed in the gateway's error shape; Keycloak unreachable is 503, a broken answer 502.
 */
final class KeycloakApiTokens {
  private static final Logger LOG = LoggerFactory.getLogger(KeycloakApiTokens.class);
  private static final RateLimitedLog KEYCLOAK_DOWN = RateLimitedLog.of(LOG);

  private final WebClient client;
  private final String collectionUrl;
  private final long timeoutMillis;

  /** {@code realmUrl}: the issuer, such as {@code http://keycloak:8080/realms/gatehouse}. */
  KeycloakApiTokens(WebClient client, String realmUrl, long timeoutMillis) {
    this.client = client;
    this.collectionUrl = realmUrl.replaceAll("/+$", "") + "/api-tokens";
    this.timeoutMillis = timeoutMillis;
  }

  Future<HttpResponse<Buffer>> list(String accessToken) {
    return request(HttpMethod.GET, collectionUrl, accessToken).send();
  }

  Future<HttpResponse<Buffer>> create(String accessToken, Buffer body) {
    return request(HttpMethod.POST, collectionUrl, accessToken)
        .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json").sendBuffer(body);
  }

  /** {@code id}: already checked to be a plain identifier. */
  Future<HttpResponse<Buffer>> revoke(String accessToken, String id) {
    return request(HttpMethod.DELETE, collectionUrl + "/" + id, accessToken).send();
  }

  private HttpRequest<Buffer> request(HttpMethod method, String url, String accessToken) {
    return client.requestAbs(method, url)
        .putHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + accessToken)
        .putHeader(HttpHeaders.ACCEPT.toString(), "application/json")
        .timeout(timeoutMillis);
  }

  /** Writes Keycloak's answer (or why there is none) to the caller, never caching it: it may hold a new token. */
  void relay(HttpServerRequest request, Future<HttpResponse<Buffer>> answer) {
    answer.onComplete(result -> {
      if (result.failed()) {
        KEYCLOAK_DOWN.warn("api-tokens", "API-token call to Keycloak at {} failed: {}", collectionUrl,
            Failures.describe(result.cause()));
        ErrorReply.unavailable(request, "Keycloak cannot be reached to manage API tokens right now ("
            + Failures.describe(result.cause()) + "); nothing was changed. Try again shortly.");
        return;
      }
      HttpResponse<Buffer> response = result.result();
      int status = response.statusCode();
      if (status >= 500 || status < 200 || (status >= 300 && status < 400)) {
        KEYCLOAK_DOWN.warn("api-tokens", "API-token call to Keycloak at {} answered {}", collectionUrl, status);
        ErrorReply.send(request, 502, "bad_gateway", "Keycloak answered " + status + " to the API-token request;"
            + " try again shortly, and tell an administrator if it persists.");
        return;
      }
      if (status >= 400) {
        String message = keycloakMessage(response.body());
        // Keycloak refusing a token the gateway accepted is not "sign in again": say what Keycloak said.
        ErrorReply.send(request, status == 401 ? 403 : status, status == 404 ? "not_found" : "refused_by_keycloak",
            message == null ? "Keycloak refused the request (" + status + ")." : message);
        return;
      }
      request.response().setStatusCode(status).putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
      Buffer body = response.body();
      if (body == null || body.length() == 0) {
        request.response().end();
      } else {
        request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
      }
    });
  }

  /** The pack answers {@code {"error": ..., "error_description": ...}}; null when the body says nothing usable. */
  private static String keycloakMessage(Buffer body) {
    if (body == null || body.length() == 0) {
      return null;
    }
    try {
      JsonObject json = body.toJsonObject();
      String description = json.getString("error_description");
      return description != null ? description : json.getString("errorMessage", json.getString("error"));
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }
}
