package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.config.RouteConfig;
import dev.gatehouse.gateway.policy.InvalidServiceException;
import dev.gatehouse.gateway.policy.Service;
import dev.gatehouse.gateway.policy.ServiceConflictException;
import dev.gatehouse.gateway.policy.ServiceRules;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The gateway's live route table: the configured routes (the bootstrap) plus the services stored in PostgreSQL,
 * swapped whole on each reload so a request sees one consistent table. Shared by every server instance; the proxy
 * reads it per request. A route with several upstreams hands them out round robin, skipping those whose health check
 * fails (while at least one passes).
 */
public final class RouteTable {

  /** Whether one upstream of a stored service passes its health check; kept across reloads of the same service. */
  public static final class UpstreamState {
    private volatile boolean healthy = true;

    public boolean healthy() {
      return healthy;
    }

    /** True when this changed the state. */
    public boolean set(boolean nowHealthy) {
      boolean changed = healthy != nowHealthy;
      healthy = nowHealthy;
      return changed;
    }
  }

  /** One prefix and where it goes; {@code service} is null for a configured route. */
  public static final class Route {
    private final String prefix;
    private final String service;
    private final Service.HealthCheck healthCheck;
    private final RouteConfig[] upstreams;
    private final UpstreamState[] states;
    private final AtomicInteger next = new AtomicInteger();

    Route(String prefix, String service, Service.HealthCheck healthCheck, RouteConfig[] upstreams,
        UpstreamState[] states) {
      this.prefix = prefix;
      this.service = service;
      this.healthCheck = healthCheck;
      this.upstreams = upstreams;
      this.states = states;
    }

    public String prefix() {
      return prefix;
    }

    public String service() {
      return service;
    }

    public Service.HealthCheck healthCheck() {
      return healthCheck;
    }

    public List<RouteConfig> upstreams() {
      return List.of(upstreams);
    }

    public UpstreamState state(int i) {
      return states[i];
    }

    /** Round robin over the healthy upstreams; when every check fails, over all (a check may be wrong, a 502 is not). */
    RouteConfig pick() {
      if (upstreams.length == 1) {
        return upstreams[0];
      }
      int start = Math.floorMod(next.getAndIncrement(), upstreams.length);
      for (int i = 0; i < upstreams.length; i++) {
        int candidate = (start + i) % upstreams.length;
        if (states[candidate].healthy()) {
          return upstreams[candidate];
        }
      }
      return upstreams[start];
    }
  }

  private final List<RouteConfig> bootstrap;
  private final Set<String> bootstrapPrefixes = new HashSet<>();
  private volatile Route[] longestFirst;
  private volatile boolean servicesLoaded;

  private RouteTable(List<RouteConfig> bootstrap, boolean servicesLoaded) {
    this.bootstrap = List.copyOf(bootstrap);
    bootstrap.forEach(route -> bootstrapPrefixes.add(route.prefix()));
    this.longestFirst = build(List.of(), Map.of());
    this.servicesLoaded = servicesLoaded;
  }

  /** The configured routes only, for gateways (and tests) without stored services. */
  public static RouteTable fromConfig(List<RouteConfig> routes) {
    return new RouteTable(routes, true);
  }

  /**
   * The configured routes now; the stored services from the first {@link #update}. Until then a path that no
   * configured route covers is answered 503 (fail closed), not 404: its service may just not be loaded yet.
   */
  public static RouteTable awaitingServices(List<RouteConfig> routes) {
    return new RouteTable(routes, false);
  }

  /** The upstream for a canonical path (longest covering prefix), or null when no route covers it. */
  public RouteConfig match(String path) {
    for (Route route : longestFirst) {
      if (covers(route.prefix, path)) {
        return route.pick();
      }
    }
    return null;
  }

  /** False until the stored services were loaded once. */
  public boolean loaded() {
    return servicesLoaded;
  }

  /** The routes in use, longest prefix first. */
  public List<Route> routes() {
    return List.of(longestFirst);
  }

  /**
   * Swaps in the configured routes plus {@code services}. A service that is invalid, or breaks the routing rules
   * ({@link ServiceRules#validateRouting}: upstreams on a configured route's prefix, or no upstreams and no configured
   * route covering its prefix), is left out and reported to {@code onSkipped} with the reason: leaving a route out
   * never widens access. A valid service without upstreams adds no route: the configured route carries its traffic.
   */
  public void update(List<Service> services, BiConsumer<Service, String> onSkipped) {
    Map<String, UpstreamState> previous = new HashMap<>();
    for (Route route : longestFirst) {
      if (route.service != null) {
        for (int i = 0; i < route.upstreams.length; i++) {
          previous.put(stateKey(route.service, route.upstreams[i].upstream()), route.states[i]);
        }
      }
    }
    List<Service> accepted = new ArrayList<>();
    for (Service service : services) {
      try {
        ServiceRules.validate(service);
        ServiceRules.validateRouting(service, bootstrapPrefixes);
        if (!service.routedByConfiguration()) {
          accepted.add(service);
        }
      } catch (InvalidServiceException | ServiceConflictException e) {
        onSkipped.accept(service, e.getMessage());
      }
    }
    longestFirst = build(accepted, previous);
    servicesLoaded = true;
  }

  private Route[] build(List<Service> services, Map<String, UpstreamState> previous) {
    List<Route> routes = new ArrayList<>();
    for (RouteConfig route : bootstrap) {
      routes.add(new Route(route.prefix(), null, null, new RouteConfig[] {route},
          new UpstreamState[] {new UpstreamState()}));
    }
    for (Service service : services) {
      RouteConfig[] upstreams = new RouteConfig[service.upstreams().size()];
      UpstreamState[] states = new UpstreamState[upstreams.length];
      for (int i = 0; i < upstreams.length; i++) {
        URI upstream = service.upstreams().get(i);
        upstreams[i] = new RouteConfig(service.routePrefix(), upstream, service.timeoutMillis());
        states[i] = service.healthCheck() == null ? new UpstreamState()
            : previous.getOrDefault(stateKey(service.name(), upstream), new UpstreamState());
      }
      routes.add(new Route(service.routePrefix(), service.name(), service.healthCheck(), upstreams, states));
    }
    routes.sort(Comparator.comparingInt((Route r) -> r.prefix.length()).reversed());
    return routes.toArray(Route[]::new);
  }

  private static String stateKey(String service, URI upstream) {
    return service + " " + upstream;
  }

  /** Segment-aware: "/api" covers "/api" and "/api/x" but not "/apix". */
  static boolean covers(String prefix, String path) {
    if (prefix.equals("/")) {
      return path.startsWith("/");
    }
    return path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
  }
}
