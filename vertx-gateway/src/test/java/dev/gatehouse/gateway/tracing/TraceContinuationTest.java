package dev.gatehouse.gateway.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.audit.RequestAudit;
import dev.gatehouse.gateway.revocation.RevocationGuard;
import dev.gatehouse.gateway.testing.GatewayHarness;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trace a client started continues through the gateway to the upstream, and the gateway's spans reach a real
 * OTLP/HTTP receiver, configured the way operators do it (OpenTelemetry autoconfigure properties).
 */
class TraceContinuationTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  static final String CLIENT_SPAN = "b7ad6b7169203331";

  static Vertx receiverVertx;
  static OtlpReceiver receiver;
  static GatewayTracing tracing;
  static GatewayHarness gateway;
  static dev.gatehouse.gateway.audit.DecisionRecorder recorder;
  static java.io.ByteArrayOutputStream records = new java.io.ByteArrayOutputStream();

  @BeforeAll
  static void start() throws Exception {
    receiverVertx = Vertx.vertx();
    receiver = new OtlpReceiver(receiverVertx);
    tracing = GatewayTracing.fromSettings(Map.of(), Map.of(
        "otel.traces.exporter", "otlp",
        "otel.exporter.otlp.endpoint", "http://127.0.0.1:" + receiver.port(),
        "otel.bsp.schedule.delay", "20"));
    assertThat(tracing.enabled()).isTrue();
    recorder = new dev.gatehouse.gateway.audit.DecisionRecorder(
        List.of(dev.gatehouse.gateway.audit.JsonLinesSink.to(records)), 1024,
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    gateway = GatewayHarness.observed(json -> { }, RevocationGuard.alwaysFresh(),
        new RequestAudit(recorder, 1.0), tracing);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    tracing.close();
    recorder.close();
    receiver.close();
    receiverVertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void theUpstreamSeesTheClientsTraceWithTheGatewaysProxySpanAsParent() throws Exception {
    HttpResponse<String> response = gateway.send(gateway.request("/api/v1/echo")
        .header("Authorization", "Bearer " + GatewayHarness.GOOD)
        .header("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01")
        .header("tracestate", "vendor=opaque"));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode headers = JSON.readTree(response.body()).path("headers");
    String upstreamParent = headers.path("traceparent").path(0).asText();
    assertThat(headers.path("traceparent")).as("exactly one traceparent upstream").hasSize(1);
    assertThat(upstreamParent).startsWith("00-" + TRACE_ID + "-").endsWith("-01");
    String proxySpanId = upstreamParent.substring(36, 52);
    assertThat(proxySpanId).isNotEqualTo(CLIENT_SPAN);
    assertThat(headers.path("tracestate").path(0).asText()).isEqualTo("vendor=opaque");

    List<Span> spans = await(() -> receiver.trace(TRACE_ID), found -> found.size() >= 4);
    Span server = one(spans, "GET");
    assertThat(server.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(OtlpReceiver.hex(server.getParentSpanId())).as("the client's span is the parent").isEqualTo(CLIENT_SPAN);
    String serverId = OtlpReceiver.hex(server.getSpanId());
    Span proxy = one(spans, "proxy");
    assertThat(proxy.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(OtlpReceiver.hex(proxy.getSpanId())).as("the upstream's parent is the proxy span")
        .isEqualTo(proxySpanId);
    for (String child : List.of("token.verify", "authorize", "proxy")) {
      assertThat(OtlpReceiver.hex(one(spans, child).getParentSpanId())).as(child).isEqualTo(serverId);
    }
    assertThat(server.getAttributesList()).anyMatch(a -> a.getKey().equals("gatehouse.decision")
        && a.getValue().getStringValue().equals("allowed"));
    assertThat(server.getAttributesList()).anyMatch(a -> a.getKey().equals("http.response.status_code")
        && a.getValue().getIntValue() == 200);
    assertThat(receiver.serviceNames).contains("gatehouse-gateway");

    String record = await(() -> records.toString(), text -> text.contains(TRACE_ID));
    assertThat(record).contains("\"trace_id\":\"" + TRACE_ID + "\"");
  }

  @Test
  void withoutAClientTraceTheGatewayStartsOneAndADenialIsTracedToo() throws Exception {
    HttpResponse<String> response = gateway.send(gateway.request("/api/v1/echo")
        .header("Authorization", "Bearer " + GatewayHarness.GOOD));
    String upstreamParent = JSON.readTree(response.body()).path("headers").path("traceparent").path(0).asText();
    assertThat(upstreamParent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]");
    String traceId = upstreamParent.substring(3, 35);
    assertThat(await(() -> receiver.trace(traceId), found -> found.size() >= 4)).isNotEmpty();

    String deniedTrace = "11111111111111111111111111111111";
    assertThat(gateway.send(gateway.request("/api/v1/users/u-1")
        .header("Authorization", "Bearer " + GatewayHarness.READER)
        .header("traceparent", "00-" + deniedTrace + "-" + CLIENT_SPAN + "-01")).statusCode()).isEqualTo(403);
    List<Span> denied = await(() -> receiver.trace(deniedTrace), found -> found.size() >= 3);
    assertThat(one(denied, "GET").getAttributesList()).anyMatch(a -> a.getKey().equals("gatehouse.reason")
        && a.getValue().getStringValue().equals("no_activity"));
    assertThat(denied).noneMatch(s -> s.getName().equals("proxy"));
  }

  private static Span one(List<Span> spans, String name) {
    List<Span> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as("spans named %s in %s", name, spans.stream().map(Span::getName).toList()).hasSize(1);
    return named.get(0);
  }

  private static <T> T await(Supplier<T> read, java.util.function.Predicate<T> done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    T value = read.get();
    while (!done.test(value)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not there within 15 s: " + value);
      }
      Thread.sleep(10);
      value = read.get();
    }
    return value;
  }
}
