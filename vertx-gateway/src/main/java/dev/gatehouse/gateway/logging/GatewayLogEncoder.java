package dev.gatehouse.gateway.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gatehouse.gateway.tracing.LogCorrelation;
import io.opentelemetry.api.trace.SpanContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The gateway's log layout, chosen by {@code <format>} in logback.xml ({@code GATEHOUSE_LOG_FORMAT}): {@code text}
 * is {@value #TEXT_PATTERN}; {@code json} (the default) is one JSON object per log event, on one line: {@code time}, {@code level}, {@code logger}, {@code thread},
 * {@code message}, {@code error} (the stack trace, when there is one), the MDC's entries, and {@code trace_id} /
 * {@code span_id} when the event was logged while a traced request was being handled (see
 * {@link LogCorrelation}). Written with Jackson, so every string is escaped properly.
 */
public final class GatewayLogEncoder extends EncoderBase<ILoggingEvent> {
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %level %logger - %msg%n";
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final byte[] NOTHING = new byte[0];

  private String format = "json";
  /** Null in JSON mode. */
  private PatternLayout text;

  /** {@code json} or {@code text}; one encoder with a setting, so logback.xml has one appender and no warnings. */
  public void setFormat(String format) {
    this.format = format == null ? "" : format.strip();
  }

  @Override
  public void start() {
    if (format.equals("text")) {
      text = new PatternLayout();
      text.setContext(getContext());
      text.setPattern(TEXT_PATTERN);
      text.start();
    } else if (!format.equals("json")) {
      addError("GATEHOUSE_LOG_FORMAT must be json or text, got \"" + format + "\"; logging JSON.");
    }
    super.start();
  }

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    if (text != null) {
      return text.doLayout(event).getBytes(StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(event.getTimeStamp())));
      json.writeStringField("level", event.getLevel().toString());
      json.writeStringField("logger", event.getLoggerName());
      json.writeStringField("thread", event.getThreadName());
      json.writeStringField("message", event.getFormattedMessage());
      SpanContext span = LogCorrelation.current();
      if (span != null) {
        json.writeStringField("trace_id", span.getTraceId());
        json.writeStringField("span_id", span.getSpanId());
      }
      for (Map.Entry<String, String> entry : event.getMDCPropertyMap().entrySet()) {
        json.writeStringField(entry.getKey(), entry.getValue());
      }
      IThrowableProxy error = event.getThrowableProxy();
      if (error != null) {
        json.writeStringField("error", ThrowableProxyUtil.asString(error));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }
}
