package dev.gatehouse.gateway.apitoken;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Asks Keycloak's token endpoint for the access token an API token stands for, with the gateway's confidential
 * client ({@code grant_type=urn:gatehouse:params:oauth:grant-type:api-token}). Never fails its Future: every answer,
 * including "unreachable", is an {@link Answer}. The API token and the secret never appear in an answer's text.
 */
final class TokenEndpointClient {
  static final String GRANT_TYPE = "urn:gatehouse:params:oauth:grant-type:api-token";
  /** Longest Keycloak refusal text passed on to the caller. */
  private static final int MAX_DESCRIPTION = 120;

  sealed interface Answer {}

  record Granted(String accessToken) implements Answer {}

  /** Keycloak said no to this token ({@code invalid_grant}): unknown, revoked, expired, or its owner disabled. */
  record Refused(String description) implements Answer {}

  /** No usable answer: Keycloak unreachable, failing, or refusing the gateway's own client (a misconfiguration). */
  record Unavailable(String problem, boolean misconfigured) implements Answer {}

  private final WebClient client;
  private final ApiTokenOptions options;
  private final String basicUser;
  private final String basicPassword;

  TokenEndpointClient(WebClient client, ApiTokenOptions options) {
    this.client = client;
    this.options = options;
    // RFC 6749 section 2.3.1: id and secret are form-encoded before they go into Basic.
    this.basicUser = URLEncoder.encode(options.clientId(), StandardCharsets.UTF_8);
    this.basicPassword = URLEncoder.encode(options.clientSecret(), StandardCharsets.UTF_8);
  }

  Future<Answer> resolve(String apiToken) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", GRANT_TYPE)
        .add("api_token", apiToken);
    return client.postAbs(options.tokenEndpoint())
        .timeout(options.httpTimeoutMillis())
        .putHeader("Accept", "application/json")
        .basicAuthentication(basicUser, basicPassword)
        .sendForm(form)
        .map(TokenEndpointClient::read)
        .otherwise(failure -> new Unavailable("Keycloak's token endpoint could not be reached ("
            + failure.getClass().getSimpleName() + ": " + failure.getMessage() + ")", false));
  }

  static Answer read(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    JsonObject json = parse(response.bodyAsString());
    if (status == 200) {
      Object accessToken = json == null ? null : json.getValue("access_token");
      Object type = json == null ? null : json.getValue("token_type");
      if (accessToken instanceof String token && !token.isEmpty()
          && (type == null || "bearer".equalsIgnoreCase(String.valueOf(type)))) {
        return new Granted(token);
      }
      return new Unavailable("Keycloak's token endpoint answered 200 without a bearer access_token", true);
    }
    String error = json == null ? null : json.getValue("error") instanceof String e ? e : null;
    if (status == 400 && "invalid_grant".equals(error)) {
      return new Refused(printable(json.getValue("error_description")));
    }
    if (status == 400 || status == 401 || status == 403) {
      // The gateway's own request or client was refused: an operator must fix the configuration.
      return new Unavailable("Keycloak refused the gateway's API-token request with HTTP " + status + " "
          + (error == null ? "(no error code)" : error) + ": check apiTokens.clientId and apiTokens.clientSecret, and"
          + " that this client may use the API-token grant", true);
    }
    return new Unavailable("Keycloak's token endpoint answered HTTP " + status, false);
  }

  private static JsonObject parse(String body) {
    try {
      return body == null || body.isBlank() ? null : new JsonObject(body);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Keycloak's refusal text, cut short and kept to visible ASCII: it goes into a response header. */
  private static String printable(Object description) {
    if (!(description instanceof String text) || text.isBlank()) {
      return null;
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_DESCRIPTION));
    for (int i = 0; i < text.length() && out.length() < MAX_DESCRIPTION; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : ' ');
    }
    return out.toString().strip();
  }
}
