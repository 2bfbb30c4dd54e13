package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.config.RouteConfig;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Chooses the upstream for a canonical path: the longest route prefix that the path equals or lies under. */
public final class UpstreamRoutes {
  private final List<RouteConfig> longestFirst;

  public UpstreamRoutes(List<RouteConfig> routes) {
    this.longestFirst = routes.stream()
        .sorted(Comparator.comparingInt((RouteConfig r) -> r.prefix().length()).reversed())
        .toList();
  }

  /** The route for {@code path}, or null when none covers it. */
  public RouteConfig find(String path) {
    for (RouteConfig route : longestFirst) {
      if (covers(route.prefix(), path)) {
        return route;
      }
    }
    return null;
  }

  public Optional<RouteConfig> match(String path) {
    return Optional.ofNullable(find(path));
  }

  /** Segment-aware: "/api" covers "/api" and "/api/x" but not "/apix". */
  static boolean covers(String prefix, String path) {
    if (prefix.equals("/")) {
      return path.startsWith("/");
    }
    return path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
  }
}
