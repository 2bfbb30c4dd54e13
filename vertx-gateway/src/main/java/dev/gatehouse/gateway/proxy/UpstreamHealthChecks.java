package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.config.RouteConfig;
import dev.gatehouse.gateway.logging.RateLimitedLog;
import dev.gatehouse.gateway.policy.Service;
import dev.gatehouse.gateway.tls.UpstreamTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the stored services' health checks: {@code GET path} on each upstream every interval; a 2xx answer puts the
 * upstream in the rotation, anything else (or no answer within the interval, at most 5 s) takes it out. Off the
 * request path: the proxy only reads each upstream's flag. Call {@link #watch} after every route-table swap. Each
 * change is logged (WARN) and told to the {@link Listener} (the gateway's metrics).
 */
public final class UpstreamHealthChecks {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamHealthChecks.class);
  private static final RateLimitedLog CHANGES = RateLimitedLog.of(LOG);
  private static final long MAX_PROBE_MILLIS = 5_000;

  private record Check(String service, RouteConfig upstream, Service.HealthCheck healthCheck) {}

  /** Told of every change of an upstream's state (from the Vert.x context that runs the checks). */
  @FunctionalInterface
  public interface Listener {
    void changed(String service, String upstream, boolean healthy);
  }

  private final Vertx vertx;
  private final HttpClient client;
  /** Running checks and their timers; touched only on the context that calls {@link #watch}. */
  private final Map<Check, Long> timers = new HashMap<>();
  private final Map<Check, RouteTable.UpstreamState> states = new HashMap<>();
  private final Listener listener;
  /** Upstreams failing their check now; written on the checks' context, read by metric scrapes. */
  private volatile int outOfRotation;

  public UpstreamHealthChecks(Vertx vertx, Listener listener) {
    this.vertx = vertx;
    this.listener = listener;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) MAX_PROBE_MILLIS)
        .setKeepAlive(false));
  }

  /** Starts the checks the table now asks for and stops the ones it no longer does. */
  public void watch(RouteTable table) {
    Set<Check> wanted = new HashSet<>();
    for (RouteTable.Route route : table.routes()) {
      if (route.healthCheck() == null) {
        continue;
      }
      for (int i = 0; i < route.upstreams().size(); i++) {
        Check check = new Check(route.service(), route.upstreams().get(i), route.healthCheck());
        wanted.add(check);
        states.put(check, route.state(i));
        timers.computeIfAbsent(check, c -> {
          probe(c);
          return vertx.setPeriodic(c.healthCheck().intervalMillis(), tick -> probe(c));
        });
      }
    }
    timers.keySet().removeIf(check -> {
      if (wanted.contains(check)) {
        return false;
      }
      vertx.cancelTimer(timers.get(check));
      states.remove(check);
      return true;
    });
    count();
  }

  /** How many upstreams are out of the rotation now (for the gauge). */
  public int outOfRotation() {
    return outOfRotation;
  }

  private void count() {
    outOfRotation = (int) states.values().stream().filter(state -> !state.healthy()).count();
  }

  private void probe(Check check) {
    RouteConfig upstream = check.upstream();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(upstream.upstream().getHost())
        .setPort(upstream.upstreamPort())
        .setURI(check.healthCheck().path())
        .setSsl(upstream.tls())
        .setSslOptions(upstream.tls() ? UpstreamTls.clientOptions(null) : null)
        .setIdleTimeout(Math.min(check.healthCheck().intervalMillis(), MAX_PROBE_MILLIS))
        .setTimeout(Math.min(check.healthCheck().intervalMillis(), MAX_PROBE_MILLIS));
    client.request(options)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(result -> {
          boolean healthy = result.succeeded() && result.result() >= 200 && result.result() < 300;
          RouteTable.UpstreamState state = states.get(check);
          if (state != null && state.set(healthy)) {
            String outcome = result.succeeded() ? "answered " + result.result() : "failed: " + result.cause();
            CHANGES.warn(check.service() + " " + upstream.upstream() + " " + healthy, "Upstream {} of service {} is {}:"
                + " its health check GET {} {}.", upstream.upstream(), check.service(),
                healthy ? "back in the rotation" : "OUT of the rotation", check.healthCheck().path(), outcome);
            listener.changed(check.service(), upstream.upstream().toString(), healthy);
            count();
          }
        });
  }

  public Future<Void> close() {
    timers.values().forEach(vertx::cancelTimer);
    timers.clear();
    return client.close();
  }
}
