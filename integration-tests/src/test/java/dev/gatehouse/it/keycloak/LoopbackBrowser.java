package dev.gatehouse.it.keycloak;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Just enough of a browser to walk Keycloak's login redirects on http://127.0.0.1: follows redirects by hand and keeps
 * cookies per path. Java's own cookie manager withholds {@code Secure} cookies over plain http, which Keycloak sets even
 * there, so the broker flow would fail with {@code cookie_not_found}; a real browser treats loopback as secure.
 */
final class LoopbackBrowser {
  private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*\\baction=\"([^\"]+)\"");
  private static final int MAX_REDIRECTS = 15;

  /** A page or a redirect that left the server (e.g. to the app's redirect URI with the code). */
  record Stop(int status, URI uri, String location, String body) {}

  private record CookieKey(String path, String name) {}

  private final HttpClient http = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<CookieKey, String> cookies = new LinkedHashMap<>();

  /** GETs the URL and follows redirects until a page answers or a redirect points where {@code leaves} says. */
  Stop open(String url, Predicate<String> leaves) {
    return follow(send(HttpRequest.newBuilder(URI.create(url)).GET()), leaves);
  }

  /** Fills and submits the page's (first) form, then follows redirects as {@link #open} does. */
  Stop submitForm(Stop page, Map<String, String> fields, Predicate<String> leaves) {
    Matcher action = FORM_ACTION.matcher(page.body());
    if (!action.find()) {
      throw new AssertionError("Expected a form on " + page.uri() + ", got:\n" + page.body());
    }
    URI target = page.uri().resolve(action.group(1).replace("&amp;", "&"));
    String form = fields.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return follow(send(HttpRequest.newBuilder(target)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form))), leaves);
  }

  private Stop follow(HttpResponse<String> response, Predicate<String> leaves) {
    for (int hops = 0; hops < MAX_REDIRECTS; hops++) {
      String location = response.headers().firstValue("Location").orElse(null);
      if (response.statusCode() / 100 != 3 || location == null) {
        return new Stop(response.statusCode(), response.uri(), null, response.body());
      }
      URI next = response.uri().resolve(location);
      if (leaves.test(next.toString())) {
        return new Stop(response.statusCode(), response.uri(), next.toString(), response.body());
      }
      response = send(HttpRequest.newBuilder(next).GET());
    }
    throw new AssertionError("More than " + MAX_REDIRECTS + " redirects, last at " + response.uri());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    URI uri = request.build().uri();
    String cookieHeader = cookiesFor(uri.getPath());
    if (!cookieHeader.isEmpty()) {
      request.header("Cookie", cookieHeader);
    }
    try {
      HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      response.headers().allValues("Set-Cookie").forEach(this::store);
      return response;
    } catch (IOException e) {
      throw new IllegalStateException("Request to " + uri + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  private void store(String setCookie) {
    String[] parts = setCookie.split(";");
    int eq = parts[0].indexOf('=');
    String name = parts[0].substring(0, eq).trim();
    String value = parts[0].substring(eq + 1).trim();
    String path = "/";
    boolean expired = false;
    for (int i = 1; i < parts.length; i++) {
      String attribute = parts[i].trim().toLowerCase();
      if (attribute.startsWith("path=")) {
        path = parts[i].trim().substring(5);
      } else if (attribute.equals("max-age=0") || attribute.startsWith("expires=thu, 01 jan 1970")) {
        expired = true;
      }
    }
    CookieKey key = new CookieKey(path, name);
    if (expired || value.isEmpty()) {
      cookies.remove(key);
    } else {
      cookies.put(key, value);
    }
  }

  private String cookiesFor(String requestPath) {
    List<String> pairs = new ArrayList<>();
    cookies.forEach((key, value) -> {
      if (requestPath.startsWith(key.path())) {
        pairs.add(key.name() + "=" + value);
      }
    });
    return String.join("; ", pairs);
  }
}
