package dev.gatehouse.gateway.login;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * CORS for our own apps only. An allowed origin is echoed exactly (never {@code *}, which browsers forbid together
 * with credentials) with {@code Access-Control-Allow-Credentials: true}. Another origin gets no CORS headers at all,
 * and its preflight a 403, so the browser blocks the call. {@code Vary: Origin} is always set when an Origin was
 * sent, so that no cache serves one origin's answer to another.
 */
public final class Cors {

  public sealed interface Outcome permits NotCors, Refused, Preflight, Actual {}

  /** No Origin header: not a cross-origin browser request. */
  public record NotCors() implements Outcome {}

  public record Refused(boolean preflight, String message) implements Outcome {}

  /** Answer 204 with these headers and stop. */
  public record Preflight(Map<String, String> headers) implements Outcome {}

  /** Add these headers and carry on. */
  public record Actual(Map<String, String> headers) implements Outcome {}

  private final RedirectTargets targets;
  private final Set<String> allowedMethods;
  private final Map<String, String> allowedHeadersByLowerCase;
  private final int maxAgeSeconds;

  public Cors(RedirectTargets targets, List<String> allowedMethods, List<String> allowedHeaders, int maxAgeSeconds) {
    this.targets = targets;
    this.allowedMethods = allowedMethods.stream().map(m -> m.toUpperCase(Locale.ROOT))
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    this.allowedHeadersByLowerCase = new LinkedHashMap<>();
    allowedHeaders.forEach(h -> allowedHeadersByLowerCase.put(h.toLowerCase(Locale.ROOT), h));
    this.maxAgeSeconds = maxAgeSeconds;
  }

  public Cors(RedirectTargets targets, LoginOptions options) {
    this(targets, options.corsAllowedMethods(), options.corsAllowedHeaders(), options.corsMaxAgeSeconds());
  }

  public Outcome evaluate(String method, String origin, String requestedMethod, String requestedHeaders) {
    if (origin == null) {
      return new NotCors();
    }
    boolean preflight = "OPTIONS".equals(method) && requestedMethod != null;
    if (!targets.isAllowedOrigin(origin)) {
      return new Refused(preflight, "origin '" + origin + "' is not allowed to call this API from a browser");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Access-Control-Allow-Origin", origin);
    headers.put("Access-Control-Allow-Credentials", "true");
    if (!preflight) {
      return new Actual(headers);
    }
    if (!allowedMethods.contains(requestedMethod)) {
      return new Refused(true, "method " + requestedMethod + " is not allowed cross-origin; allowed: "
          + String.join(", ", allowedMethods));
    }
    if (requestedHeaders != null && !requestedHeaders.isBlank()) {
      for (String header : requestedHeaders.split(",")) {
        String name = header.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty() && !allowedHeadersByLowerCase.containsKey(name)) {
          return new Refused(true, "request header '" + header.trim() + "' is not allowed cross-origin; allowed: "
              + String.join(", ", allowedHeadersByLowerCase.values()));
        }
      }
    }
    headers.put("Access-Control-Allow-Methods", String.join(", ", allowedMethods));
    headers.put("Access-Control-Allow-Headers", String.join(", ", allowedHeadersByLowerCase.values()));
    headers.put("Access-Control-Max-Age", Integer.toString(maxAgeSeconds));
    return new Preflight(headers);
  }

  /** Mount first, on every route that browsers of our apps call cross-origin. */
  public Handler<RoutingContext> handler() {
    return ctx -> {
      var request = ctx.request();
      Outcome outcome = evaluate(request.method().name(), request.getHeader("Origin"),
          request.getHeader("Access-Control-Request-Method"), request.getHeader("Access-Control-Request-Headers"));
      if (!answer(outcome, ctx.response())) {
        ctx.next();
      } else if (outcome instanceof Refused refused) {
        JsonReplies.error(ctx, 403, "cors_refused", refused.message());
      }
    };
  }

  /**
   * Puts the outcome's headers on {@code response}. Returns true when the request is answered by CORS alone: a
   * preflight gets its 204 here; a refused preflight is for the caller to answer with 403.
   */
  public static boolean answer(Outcome outcome, HttpServerResponse response) {
    MultiMap responseHeaders = response.headers();
    if (!(outcome instanceof NotCors)) {
      responseHeaders.add("Vary", "Origin");
    }
    if (outcome instanceof Preflight preflight) {
      preflight.headers().forEach(responseHeaders::set);
      responseHeaders.add("Vary", "Access-Control-Request-Method");
      responseHeaders.add("Vary", "Access-Control-Request-Headers");
      response.setStatusCode(204).end();
      return true;
    }
    if (outcome instanceof Refused refused && refused.preflight()) {
      return true;
    }
    if (outcome instanceof Actual actual) {
      actual.headers().forEach(responseHeaders::set);
    }
    return false;
  }
}
