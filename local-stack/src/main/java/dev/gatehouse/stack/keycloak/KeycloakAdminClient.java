package dev.gatehouse.stack.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A small client for Keycloak's admin REST API and token endpoint, as the admin console uses them. For the launcher's
 * setup steps and for tests; not for the gateway's request path.
 */
public final class KeycloakAdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An HTTP answer: status, body (JSON or text), and the Location header for creations. */
  public record Response(int status, String body, String location) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("Expected JSON from Keycloak (HTTP " + status + "), got: " + body, e);
      }
    }

    public Response expect(int expected) {
      if (status != expected) {
        throw new IllegalStateException("Keycloak answered HTTP " + status + " (expected " + expected + "): " + body);
      }
      return this;
    }

    /** The id at the end of the Location header of a 201 Created. */
    public String createdId() {
      expect(201);
      return location.substring(location.lastIndexOf('/') + 1);
    }
  }

  private final String baseUrl;
  private final String username;
  private final String password;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String adminToken;
  private Instant adminTokenRefreshAt = Instant.MIN;

  public KeycloakAdminClient(String baseUrl, String username, String password) {
    this.baseUrl = baseUrl;
    this.username = username;
    this.password = password;
  }

  /** GET {@code /admin/realms/<path>}. */
  public Response get(String path) {
    return send(adminRequest(path).GET());
  }

  /** GET {@code /admin/serverinfo}: providers, features and mapper types, as the admin console reads them. */
  public Response serverInfo() {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin/serverinfo")).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + adminToken()).GET());
  }

  public Response post(String path, Object body) {
    return send(adminRequest(path).header("Content-Type", "application/json").POST(jsonBody(body)));
  }

  public Response put(String path, Object body) {
    return send(adminRequest(path).header("Content-Type", "application/json").PUT(jsonBody(body)));
  }

  public Response delete(String path) {
    return send(adminRequest(path).DELETE());
  }

  /** DELETE with a JSON body, as the role-mapping and composite endpoints expect. */
  public Response delete(String path, Object body) {
    return send(adminRequest(path).header("Content-Type", "application/json").method("DELETE", jsonBody(body)));
  }

  /** POSTs a form to {@code /realms/<realm>/protocol/openid-connect/token}; no admin token involved. */
  public Response token(String realm, Map<String, String> form) {
    return postForm(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token", form, null);
  }

  /** POSTs a form to any URL of the server (introspection, userinfo, ...), optionally with a bearer token. */
  public Response postForm(String url, Map<String, String> form, String bearer) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(formEncode(form)));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return send(request);
  }

  /** GET any URL of the server with a bearer token (e.g. userinfo). */
  public Response getWithBearer(String url, String bearer) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + bearer).GET());
  }

  public String baseUrl() {
    return baseUrl;
  }

  private HttpRequest.Builder adminRequest(String path) {
    String relative = path.startsWith("/") ? path.substring(1) : path;
    return HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms/" + relative))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + adminToken());
  }

  private synchronized String adminToken() {
    if (adminToken == null || Instant.now().isAfter(adminTokenRefreshAt)) {
      JsonNode token = token("master", Map.of(
          "grant_type", "password", "client_id", "admin-cli", "username", username, "password", password))
          .expect(200).json();
      adminToken = token.path("access_token").asText();
      // Renew well before expiry so a slow test never sends an expired admin token.
      adminTokenRefreshAt = Instant.now().plusSeconds(Math.max(5, token.path("expires_in").asLong(60) / 2));
    }
    return adminToken;
  }

  private Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(),
          response.headers().firstValue("Location").orElse(null));
    } catch (IOException e) {
      throw new IllegalStateException("Keycloak at " + baseUrl + " is unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while calling Keycloak", e);
    }
  }

  private static HttpRequest.BodyPublisher jsonBody(Object body) {
    try {
      return HttpRequest.BodyPublishers.ofString(body instanceof String text ? text : JSON.writeValueAsString(body));
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot serialise request body", e);
    }
  }

  private static String formEncode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
