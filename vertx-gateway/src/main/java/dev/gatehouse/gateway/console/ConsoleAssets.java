package dev.gatehouse.gateway.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The console's static files (plain HTML, CSS and JavaScript from the jar, no build step), under {@value #MOUNT}.
 * They hold no data and no secret, so they are public routes: the page loads at once, asks {@code /gatehouse/me} who
 * is signed in, and sends a signed-out browser through {@code /auth/login} and back. Read once at start, served from
 * memory with an ETag; a strict Content-Security-Policy allows only the gateway's own scripts, styles and API.
 */
public final class ConsoleAssets {
  public static final String MOUNT = "/gatehouse/console";
  public static final String INDEX = MOUNT + "/";
  private static final String RESOURCES = "gatehouse-console/";
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  private record Asset(Buffer body, String contentType, String etag) {}

  private final Map<String, Asset> assets = new LinkedHashMap<>();

  public ConsoleAssets() {
    add(INDEX, "index.html", "text/html; charset=utf-8");
    add(MOUNT + "/app.js", "app.js", "text/javascript; charset=utf-8");
    add(MOUNT + "/app.css", "app.css", "text/css; charset=utf-8");
  }

  /** The exact paths served (and the bare mount, redirected to the index), for the public routes. */
  public Set<String> paths() {
    Set<String> paths = new java.util.HashSet<>(assets.keySet());
    paths.add(MOUNT);
    return Set.copyOf(paths);
  }

  /** Whether {@code path} belongs to the console (served here or answered 404 here). */
  public static boolean isConsole(String path) {
    return path.equals(MOUNT) || path.startsWith(INDEX);
  }

  public void mount(Router router) {
    // Vert.x routes ignore a trailing slash, so the bare path is told apart here: relative links need the slash.
    router.route(MOUNT).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
      if (ctx.request().path().equals(MOUNT)) {
        ctx.response().setStatusCode(301).putHeader(HttpHeaders.LOCATION, INDEX).end();
      } else {
        ctx.next();
      }
    });
    assets.forEach((path, asset) -> router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(ctx -> serve(ctx, asset)));
  }

  private static void serve(RoutingContext ctx, Asset asset) {
    HttpServerResponse response = ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType())
        .putHeader(HttpHeaders.ETAG, asset.etag())
        // Revalidate every time: a new gateway version must never run with an old script.
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY");
    if (asset.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      response.setStatusCode(304).end();
    } else if (ctx.request().method() == HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(asset.body().length())).end();
    } else {
      response.end(asset.body());
    }
  }

  private void add(String path, String file, String contentType) {
    byte[] bytes;
    try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(RESOURCES + file)) {
      if (in == null) {
        throw new IllegalStateException("The console file " + RESOURCES + file + " is missing from the gateway jar");
      }
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the console file " + RESOURCES + file, e);
    }
    assets.put(path, new Asset(Buffer.buffer(bytes), contentType, "\"" + sha256(bytes).substring(0, 16) + "\""));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** For tests: the body served at {@code path}, or null. */
  String text(String path) {
    Asset asset = assets.get(path);
    return asset == null ? null : asset.body().toString(StandardCharsets.UTF_8);
  }
}
