package dev.gatehouse.gateway.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a record as one JSON object on one line. Field names are snake_case; absent values are left out. The
 * first field, {@code "event": "gatehouse.decision"}, lets a log pipeline route records apart from log lines.
 */
public final class DecisionJson {
  public static final String EVENT = "gatehouse.decision";
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
  // Names and the constant event value are encoded once: the writer thread otherwise spent a tenth of its time
  // escaping the same field names for every record.
  private static final SerializedString EVENT_VALUE = new SerializedString(EVENT);
  private static final SerializedString F_EVENT = new SerializedString("event");
  private static final SerializedString F_TIME = new SerializedString("time");
  private static final SerializedString F_REQUEST_ID = new SerializedString("request_id");
  private static final SerializedString F_TRACE_ID = new SerializedString("trace_id");
  private static final SerializedString F_DECISION = new SerializedString("decision");
  private static final SerializedString F_STATUS = new SerializedString("status");
  private static final SerializedString F_REASON = new SerializedString("reason");
  private static final SerializedString F_SUBJECT = new SerializedString("subject");
  private static final SerializedString F_USERNAME = new SerializedString("username");
  private static final SerializedString F_CLIENT = new SerializedString("client");
  private static final SerializedString F_CREDENTIAL = new SerializedString("credential");
  private static final SerializedString F_API_TOKEN_ID = new SerializedString("api_token_id");
  private static final SerializedString F_METHOD = new SerializedString("method");
  private static final SerializedString F_PATH = new SerializedString("path");
  private static final SerializedString F_ACTIVITY_ID = new SerializedString("activity_id");
  private static final SerializedString F_PERMISSION = new SerializedString("permission");
  private static final SerializedString F_SHADOW = new SerializedString("shadow");
  private static final SerializedString F_UPSTREAM_STATUS = new SerializedString("upstream_status");
  private static final SerializedString F_UPSTREAM_MS = new SerializedString("upstream_ms");

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
    json.writeFieldName(F_EVENT);
    json.writeString(EVENT_VALUE);
    field(json, F_TIME, times.format(record.time()));
    field(json, F_REQUEST_ID, record.requestId());
    field(json, F_TRACE_ID, record.traceId());
    field(json, F_DECISION, record.decision());
    json.writeFieldName(F_STATUS);
    json.writeNumber(record.status());
    field(json, F_REASON, record.reason());
    field(json, F_SUBJECT, record.subject());
    field(json, F_USERNAME, record.username());
    field(json, F_CLIENT, record.client());
    field(json, F_CREDENTIAL, record.credential());
    field(json, F_API_TOKEN_ID, record.apiTokenId());
    field(json, F_METHOD, record.method());
    field(json, F_PATH, record.path());
    if (record.activityId() != null) {
      json.writeFieldName(F_ACTIVITY_ID);
      json.writeNumber(record.activityId());
    }
    field(json, F_PERMISSION, record.permission());
    field(json, F_SHADOW, record.shadow());
    if (record.upstreamStatus() != null) {
      json.writeFieldName(F_UPSTREAM_STATUS);
      json.writeNumber(record.upstreamStatus());
    }
    if (record.upstreamMillis() != null) {
      json.writeFieldName(F_UPSTREAM_MS);
      json.writeNumber(Math.round(record.upstreamMillis() * 1000) / 1000.0);
    }
    json.writeEndObject();
    json.writeRaw('\n');
  }

  /** A string field, left out when absent. */
  private static void field(JsonGenerator json, SerializedString name, String value) throws IOException {
    if (value != null) {
      json.writeFieldName(name);
      json.writeString(value);
    }
  }
}
