package dev.gatehouse.gateway.ops;

import dev.gatehouse.gateway.apitoken.ApiTokenListener;
import dev.gatehouse.gateway.token.TokenVerificationListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The gateway's own meters, registered in one Prometheus registry that is also handed to Vert.x's Micrometer
 * metrics, so {@code /metrics} shows both. Counters are created up front so every label value is present (at 0)
 * from the first scrape.
 */
public final class GatewayMetrics {
  private final PrometheusMeterRegistry registry;
  private final Map<DecisionOutcome, Counter> decisions = new EnumMap<>(DecisionOutcome.class);
  private final Map<String, Counter> tokenFailures = new ConcurrentHashMap<>();
  private final Map<String, Timer> upstreamTimers = new ConcurrentHashMap<>();
  private final ApiTokenListener apiTokens;
  /** Indexed [wouldAllow][differs]. */
  private final Counter[][] shadowDecisions = new Counter[2][2];

  public GatewayMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public GatewayMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    for (DecisionOutcome outcome : DecisionOutcome.values()) {
      decisions.put(outcome, Counter.builder("gatehouse_decisions")
          .description("Protected requests by how the gateway decided them")
          .tag("outcome", outcome.label())
          .register(registry));
    }
    this.apiTokens = new ApiTokenMeters(registry);
    for (int allow = 0; allow < 2; allow++) {
      for (int differs = 0; differs < 2; differs++) {
        shadowDecisions[allow][differs] = Counter.builder("gatehouse_shadow_decisions")
            .description("Requests decided while shadow activities exist, by the decision with shadows enforced and"
                + " whether it differs from the enforced one")
            .tag("outcome", allow == 1 ? "would_allow" : "would_deny")
            .tag("differs", differs == 1 ? "true" : "false")
            .register(registry);
      }
    }
  }

  /** One request measured against the shadow activities (see policy.ShadowDecisions). */
  public void shadowDecision(boolean wouldAllow, boolean differs) {
    shadowDecisions[wouldAllow ? 1 : 0][differs ? 1 : 0].increment();
  }

  /**
   * Counts token verifications that succeeded, by whether the verified-token cache answered
   * ({@code gatehouse_token_verifications_total{source=cache|signature}}), and the signature checks run. Rejections
   * are counted by reason in {@code gatehouse_token_failures_total}.
   */
  public TokenVerificationListener tokenVerification() {
    Counter fromCache = Counter.builder("gatehouse_token_verifications").description(
        "Tokens accepted, by whether the verified-token cache answered").tag("source", "cache").register(registry);
    Counter verified = Counter.builder("gatehouse_token_verifications").description(
        "Tokens accepted, by whether the verified-token cache answered").tag("source", "signature").register(registry);
    Counter signatures = Counter.builder("gatehouse_token_signature_checks").description(
        "Signature verifications run (the expensive part of a token check)").register(registry);
    return new TokenVerificationListener() {
      @Override
      public void accepted(boolean cached) {
        (cached ? fromCache : verified).increment();
      }

      @Override
      public void signatureChecked() {
        signatures.increment();
      }
    };
  }

  /** Client connections open and requests in flight, read at scrape time (Vert.x's own HTTP metrics are off). */
  public void connectionGauges(java.util.function.LongSupplier open, java.util.function.LongSupplier inFlight) {
    Gauge.builder("gatehouse_client_connections", open, supplier -> supplier.getAsLong())
        .description("Client connections open now (HTTP/1 and HTTP/2)").register(registry);
    Gauge.builder("gatehouse_requests_in_flight", inFlight, supplier -> supplier.getAsLong())
        .description("Requests received and not yet answered").register(registry);
  }

  /** Activity reloads that failed since start (the last good index kept serving), read at scrape time. */
  public void activityReloadFailures(java.util.function.LongSupplier failures) {
    FunctionCounter.builder("gatehouse_activity_reload_failures", failures, f -> f.getAsLong())
        .description("Activity reloads from PostgreSQL that failed since start (the last good index kept serving)")
        .register(registry);
  }

  /** Counts API-token resolutions: cache hits, Keycloak calls and their outcomes, local refusals. */
  public ApiTokenListener apiTokens() {
    return apiTokens;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void decision(DecisionOutcome outcome) {
    decisions.get(outcome).increment();
  }

  /** For the token layer: one rejected token, by reason (e.g. {@code TokenRejectedException.Reason}). */
  public void tokenFailure(String reason) {
    String label = reason.toLowerCase(Locale.ROOT);
    tokenFailures.computeIfAbsent(label, r -> Counter.builder("gatehouse_token_failures")
        .description("Rejected tokens by reason")
        .tag("reason", r)
        .register(registry)).increment();
  }

  /** Time from sending to an upstream until its response head (or failure) arrived. */
  public void upstreamLatency(String routePrefix, String outcome, Duration duration) {
    upstreamTimer(routePrefix, outcome).record(duration);
  }

  /** The timer behind {@link #upstreamLatency}, for callers that record often and look it up once. */
  public Timer upstreamTimer(String routePrefix, String outcome) {
    return upstreamTimers.computeIfAbsent(routePrefix + " " + outcome, key -> Timer.builder("gatehouse_upstream_latency")
        .description("Upstream response time until the response head, per route")
        .tag("route", routePrefix)
        .tag("outcome", outcome)
        .register(registry));
  }

  /** Gauges read at scrape time from whatever is current. */
  public void activityIndexGauges(Supplier<Number> size, Supplier<Number> version) {
    // Micrometer would keep the first gauge and only warn (its warning is turned off: Vert.x re-registers by design),
    // so a second registration here, reading a stale source, would go unnoticed. Make it loud instead.
    if (registry.find("gatehouse_activity_index_size").gauge() != null) {
      throw new IllegalStateException("The activity index gauges are registered already: use one GatewayMetrics per"
          + " gateway.");
    }
    Gauge.builder("gatehouse_activity_index_size", size).description("Activities in the current index")
        .register(registry);
    Gauge.builder("gatehouse_activity_index_version", version)
        .description("Version of the current activity index (-1 before the first load)")
        .register(registry);
  }

  /** Live revocation: how stale the list may be (-1 before the first load) and how many keys are revoked. */
  public void revocationGauges(Supplier<Number> stalenessSeconds, Supplier<Number> keys) {
    Gauge.builder("gatehouse_revocation_staleness_seconds", stalenessSeconds)
        .description("How stale the revocation list may be: 0 while LISTEN is up and reads succeed, -1 before the"
            + " first load").register(registry);
    Gauge.builder("gatehouse_revocation_keys", keys).description("Keys (session, subject, role, ...) revoked now")
        .register(registry);
  }

  /** A token refused because it was revoked, by the reason in its revocation row. */
  public void revokedToken(String reason) {
    registry.counter("gatehouse_revoked_tokens_total", "reason", reason).increment();
  }

  /**
   * An upstream of a stored service entered ({@code healthy}) or left the rotation after its health check:
   * {@code gatehouse_upstream_health_changes_total{service, upstream, to="in"|"out"}}.
   */
  public void upstreamHealthChanged(String service, String upstream, boolean healthy) {
    registry.counter("gatehouse_upstream_health_changes_total", "service", service, "upstream", upstream,
        "to", healthy ? "in" : "out").increment();
  }

  /** {@code gatehouse_upstreams_out_of_rotation}: upstreams whose health check fails now, over all services. */
  public void upstreamsOutOfRotation(Supplier<Number> count) {
    Gauge.builder("gatehouse_upstreams_out_of_rotation", count)
        .description("Upstreams of stored services taken out of the rotation by their failing health check")
        .register(registry);
  }

  public String scrape() {
    return registry.scrape();
  }

  MeterRegistry meterRegistry() {
    return registry;
  }
}
