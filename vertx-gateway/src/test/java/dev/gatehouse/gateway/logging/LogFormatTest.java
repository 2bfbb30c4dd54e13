package dev.gatehouse.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.testing.LogCapture;
import dev.gatehouse.gateway.tracing.GatewayTracing;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The jar's logback.xml: JSON lines by default, plain text with GATEHOUSE_LOG_FORMAT=text. */
class LogFormatTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A logger from a context configured by the jar's own logback.xml (not the tests' logback-test.xml). */
  private static LoggerContext configured(String format) throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    if (format != null) {
      context.putProperty("GATEHOUSE_LOG_FORMAT", format);
    }
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogFormatTest.class.getClassLoader().getResource("logback.xml"));
    return context;
  }

  @Test
  void jsonIsTheDefaultOneObjectPerLineWithTheStackTraceInside() throws Exception {
    LoggerContext context = configured(null);
    try (LogCapture capture = LogCapture.start()) {
      Logger log = context.getLogger("dev.gatehouse.gateway.Example");
      log.info("Listening on {} with \"quotes\"\nand a second line", 8000);
      log.error("Failed", new IllegalStateException("boom"));
      List<String> lines = capture.lines().stream().filter(l -> l.contains("Example")).toList();
      assertThat(lines).hasSize(2);
      JsonNode info = JSON.readTree(lines.get(0));
      assertThat(info.path("level").asText()).isEqualTo("INFO");
      assertThat(info.path("logger").asText()).isEqualTo("dev.gatehouse.gateway.Example");
      assertThat(info.path("message").asText()).isEqualTo("Listening on 8000 with \"quotes\"\nand a second line");
      assertThat(info.path("time").asText()).endsWith("Z");
      assertThat(info.has("trace_id")).isFalse();
      JsonNode error = JSON.readTree(lines.get(1));
      assertThat(error.path("error").asText()).contains("IllegalStateException: boom").contains("\tat ");
    } finally {
      context.stop();
    }
  }

  @Test
  void textForLocalRuns() throws Exception {
    LoggerContext context = configured("text");
    try (LogCapture capture = LogCapture.start()) {
      context.getLogger("dev.gatehouse.gateway.Example").info("Listening on {}", 8000);
      assertThat(capture.linesFrom("dev.gatehouse.gateway.Example"))
          .singleElement().asString().matches("\\d{4}-\\d\\d-\\d\\dT\\S+ INFO dev.gatehouse.gateway.Example - "
              + "Listening on 8000");
    } finally {
      context.stop();
    }
  }

  @Test
  void linesLoggedWhileATracedRequestRunsCarryItsTraceId() throws Exception {
    LoggerContext context = configured(null);
    Vertx vertx = Vertx.vertx();
    SpanContext span = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
        TraceFlags.getSampled(), TraceState.getDefault());
    try (LogCapture capture = LogCapture.start()) {
      ContextInternal request = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
      GatewayTracing.correlateLogs(request, span);
      CompletableFuture<Void> logged = new CompletableFuture<>();
      request.runOnContext(v -> {
        context.getLogger("dev.gatehouse.gateway.Traced").warn("Upstream slow");
        logged.complete(null);
      });
      logged.get(10, TimeUnit.SECONDS);
      context.getLogger("dev.gatehouse.gateway.Traced").warn("Outside any request");
      List<JsonNode> lines = capture.lines().stream().filter(l -> l.contains("Traced"))
          .map(l -> {
            try {
              return JSON.readTree(l);
            } catch (Exception e) {
              throw new AssertionError(l, e);
            }
          }).toList();
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0).path("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
      assertThat(lines.get(0).path("span_id").asText()).isEqualTo("b7ad6b7169203331");
      assertThat(lines.get(1).has("trace_id")).isFalse();
    } finally {
      context.stop();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
