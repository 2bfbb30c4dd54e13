package dev.gatehouse.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

  @Test
  void countersTimersAndIndexGaugesAreExposed() {
    GatewayMetrics metrics = new GatewayMetrics();
    AtomicLong version = new AtomicLong(-1);
    metrics.activityIndexGauges(() -> 42, version::get);

    metrics.decision(DecisionOutcome.DENIED);
    metrics.decision(DecisionOutcome.DENIED);
    metrics.tokenFailure("EXPIRED");
    metrics.upstreamLatency("/api/v1", "response", Duration.ofMillis(12));
    version.set(9);
    String scrape = metrics.scrape();

    assertThat(scrape).contains("gatehouse_decisions_total{outcome=\"denied\"} 2.0")
        .contains("gatehouse_decisions_total{outcome=\"allowed\"} 0.0")
        .contains("gatehouse_token_failures_total{reason=\"expired\"} 1.0")
        .contains("gatehouse_upstream_latency_seconds_count{outcome=\"response\",route=\"/api/v1\"} 1")
        .contains("gatehouse_activity_index_size 42.0")
        .contains("gatehouse_activity_index_version 9.0");
  }

  @Test
  void registeringTheIndexGaugesTwiceFailsLoudlyInsteadOfKeepingAStaleSource() {
    GatewayMetrics metrics = new GatewayMetrics();
    metrics.activityIndexGauges(() -> 1, () -> 1);

    assertThatThrownBy(() -> metrics.activityIndexGauges(() -> 2, () -> 2))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("registered already");
    assertThat(metrics.scrape()).contains("gatehouse_activity_index_size 1.0");
  }
}
