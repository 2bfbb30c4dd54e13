package dev.gatehouse.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * An access token from Keycloak's token endpoint by the client-credentials grant (a service account holding the admin
 * permissions), fetched once per CLI run: a run is short, a token lives minutes.
 */
public final class ClientCredentials implements Supplier<String> {
  private final HttpClient http;
  private final URI tokenEndpoint;
  private final String clientId;
  private final String clientSecret;
  private final Duration timeout;
  private String token;

  public ClientCredentials(HttpClient http, URI tokenEndpoint, String clientId, String clientSecret,
      Duration timeout) {
    this.http = http;
    this.tokenEndpoint = tokenEndpoint;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.timeout = timeout;
  }

  @Override
  public synchronized String get() {
    if (token == null) {
      token = fetch();
    }
    return token;
  }

  private String fetch() {
    // RFC 6749 section 2.3.1: id and secret are form-encoded before they go into Basic.
    String basic = Base64.getEncoder().encodeToString((encode(clientId) + ":" + encode(clientSecret))
        .getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(tokenEndpoint).timeout(timeout)
        .header("Authorization", "Basic " + basic)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AdminApiException(0, "Keycloak's token endpoint " + tokenEndpoint + " could not be reached ("
          + e.getClass().getSimpleName() + "). Check GATEHOUSE_TOKEN_URL.", null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminApiException(0, "Interrupted.", null);
    }
    JsonNode json = AdminClient.parse(response.body());
    if (response.statusCode() == 200 && json != null && json.path("access_token").isTextual()) {
      return json.path("access_token").asText();
    }
    String error = json == null ? "" : " " + json.path("error").asText("") + " "
        + json.path("error_description").asText("");
    throw new AdminApiException(401, "Keycloak's token endpoint refused the client credentials of client '" + clientId
        + "' (HTTP " + response.statusCode() + error.stripTrailing() + "). Check GATEHOUSE_CLIENT_ID and"
        + " GATEHOUSE_CLIENT_SECRET, and that the client has service accounts enabled.", json);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
