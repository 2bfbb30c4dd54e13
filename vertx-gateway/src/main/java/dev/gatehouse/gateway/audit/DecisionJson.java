package dev.gatehouse.gateway.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a record as one JSON object on one line. Field names are snake_case; absent values are left out. The
 * first field, {@code "event": "gatehouse.decision"}, lets a log pipeline route records apart from log lines.
 */
public final class DecisionJson {
  public static final String EVENT = "gatehouse.decision";
  private static final JsonFactory FACTORY = new JsonFactory();

  private DecisionJson() {}

  /**
   * A generator for a stream of lines: it never closes or flushes {@code out} itself (the caller flushes once per
   * batch) and separates nothing on its own ({@link #writeLine} ends each record with a newline).
   */
  static JsonGenerator linesTo(OutputStream out) throws IOException {
    JsonGenerator json = FACTORY.createGenerator(out);
    json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    json.configure(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM, false);
    json.setRootValueSeparator(null);
    return json;
  }

  /** One record and its newline, into the generator's buffer; nothing reaches the stream before a flush. */
  static void writeLine(DecisionRecord record, JsonGenerator json, RecordTimes times) throws IOException {
    json.writeStartObject();
    json.writeStringField("event", EVENT);
    json.writeStringField("time", times.format(record.time()));
    field(json, "request_id", record.requestId());
    field(json, "trace_id", record.traceId());
    json.writeStringField("decision", record.decision());
    json.writeNumberField("status", record.status());
    json.writeStringField("reason", record.reason());
    field(json, "subject", record.subject());
    field(json, "username", record.username());
    field(json, "client", record.client());
    json.writeStringField("credential", record.credential());
    field(json, "api_token_id", record.apiTokenId());
    json.writeStringField("method", record.method());
    json.writeStringField("path", record.path());
    if (record.activityId() != null) {
      json.writeNumberField("activity_id", record.activityId());
    }
    field(json, "permission", record.permission());
    field(json, "shadow", record.shadow());
    if (record.upstreamStatus() != null) {
      json.writeNumberField("upstream_status", record.upstreamStatus());
    }
    if (record.upstreamMillis() != null) {
      json.writeNumberField("upstream_ms", Math.round(record.upstreamMillis() * 1000) / 1000.0);
    }
    json.writeEndObject();
    json.writeRaw('\n');
  }

  private static void field(JsonGenerator json, String name, String value) throws IOException {
    if (value != null) {
      json.writeStringField(name, value);
    }
  }
}
