package dev.gatehouse.gateway.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingSettingsTest {
  @Test
  void offUnlessAnExporterIsNamed() {
    assertThat(GatewayTracing.fromSettings(Map.of(), Map.of()).enabled()).isFalse();
    assertThat(GatewayTracing.fromSettings(Map.of("OTEL_TRACES_EXPORTER", "none"), Map.of()).enabled()).isFalse();
    assertThat(GatewayTracing.fromSettings(Map.of("OTEL_TRACES_EXPORTER", " "), Map.of()).enabled()).isFalse();
  }

  @Test
  void anExporterThatCannotStartIsAClearStartFailure() {
    assertThatThrownBy(() -> GatewayTracing.fromSettings(Map.of("OTEL_TRACES_EXPORTER", "otlp"),
        Map.of("otel.exporter.otlp.protocol", "grpc")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("OTEL_TRACES_EXPORTER=otlp")
        .hasMessageContaining("http/protobuf");
    assertThatThrownBy(() -> GatewayTracing.fromSettings(Map.of("OTEL_TRACES_EXPORTER", "zipkinx"), Map.of()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("zipkinx");
  }

  @Test
  void theClientsTraceIdIsReadOnlyFromAValidTraceparent() {
    assertThat(TraceParent.traceId("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
        .isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(TraceParent.traceId(null)).isNull();
    assertThat(TraceParent.traceId("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01")).isNull();
    assertThat(TraceParent.traceId("00-00000000000000000000000000000000-b7ad6b7169203331-01")).isNull();
    assertThat(TraceParent.traceId("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")).isNull();
    assertThat(TraceParent.traceId("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"x")).isNull();
    assertThat(TraceParent.traceId("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-future")).isNotNull();
  }
}
