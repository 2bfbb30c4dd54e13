package dev.gatehouse.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The gateway's admin API over HTTP(S): JSON in, JSON out, the bearer token on every call. Every non-2xx answer
 * becomes an {@link AdminApiException} carrying the gateway's message. The CLI talks to nothing else (besides
 * Keycloak's token endpoint when it gets its token by client credentials, and OpenAPI documents it is told to read).
 */
public final class AdminClient {
  public static final String ADMIN_PREFIX = "/gatehouse/admin";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI base;
  private final Supplier<String> token;
  private final Duration timeout;

  /**
   * @param gatewayUrl the gateway's base URL, e.g. {@code https://api.example.com} (the admin prefix is added here)
   * @param token      supplies the bearer token (asked once per call, so it may refresh)
   */
  public AdminClient(HttpClient http, URI gatewayUrl, Supplier<String> token, Duration timeout) {
    this.http = http;
    String text = gatewayUrl.toString();
    this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    this.token = token;
    this.timeout = timeout;
  }

  public URI base() {
    return base;
  }

  public JsonNode get(String path) {
    return send("GET", path, null, null);
  }

  public JsonNode post(String path, JsonNode body) {
    return send("POST", path, body, null);
  }

  public JsonNode put(String path, JsonNode body, String ifMatch) {
    return send("PUT", path, body, ifMatch);
  }

  public JsonNode delete(String path) {
    return send("DELETE", path, null, null);
  }

  /** One path segment, percent-encoded (names may hold characters such as '/' or ' '). */
  public static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** An answer with its {@code ETag}, for a read-modify-write with {@code If-Match}. */
  public record Tagged(JsonNode body, String etag) {}

  /** GET with the answer's ETag (null when the gateway sent none). */
  public Tagged getTagged(String path) {
    HttpResponse<String> response = exchange("GET", path, null, null);
    return new Tagged(parse(response.body()), response.headers().firstValue("ETag").orElse(null));
  }

  /** Sends {@code method ADMIN_PREFIX+path}; the parsed JSON answer, or null for an empty one (204). */
  public JsonNode send(String method, String path, JsonNode body, String ifMatch) {
    return parse(exchange(method, path, body, ifMatch).body());
  }

  /** One call; a 2xx answer as it came, anything else as an {@link AdminApiException} with the gateway's message. */
  private HttpResponse<String> exchange(String method, String path, JsonNode body, String ifMatch) {
    URI uri = URI.create(base + ADMIN_PREFIX + path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Accept", "application/json")
        .header("Authorization", "Bearer " + token.get())
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.toString()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new AdminApiException(0, "The gateway at " + base + " did not answer " + method + " " + path + " within "
          + timeout.toSeconds() + " s. Check GATEHOUSE_URL, or try again.", null);
    } catch (ConnectException e) {
      throw new AdminApiException(0, "The gateway at " + base + " could not be reached (" + describe(e) + "). Check"
          + " GATEHOUSE_URL (or --url) and that the gateway is running.", null);
    } catch (IOException e) {
      throw new AdminApiException(0, "The request " + method + " " + uri + " failed: " + describe(e) + ".", null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminApiException(0, "Interrupted.", null);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return response;
    }
    JsonNode json = parse(response.body());
    String message = json != null && json.path("message").isTextual() ? json.path("message").asText()
        : "HTTP " + status + (response.body().isBlank() ? "" : ": " + shorten(response.body()));
    if (status == 401) {
      message += " (the gateway did not accept the token: set GATEHOUSE_TOKEN or --token to a current access token,"
          + " or use client credentials)";
    } else if (status == 403) {
      message += " (the token's permissions do not allow " + method + " " + ADMIN_PREFIX + path + "; admin calls need"
          + " manage-activities in the seeded setup)";
    }
    throw new AdminApiException(status, message, json);
  }

  static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static String shorten(String text) {
    String line = text.strip().replaceAll("\\s+", " ");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
