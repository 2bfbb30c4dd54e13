package dev.gatehouse.gateway.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads an admin request body strictly, so that what a reviewer reads in a request is exactly what is stored:
 * {@code Content-Type: application/json} (else 415), valid UTF-8 (no replacement characters), one JSON object with
 * each key once, nothing after it, and no unpaired surrogate escapes such as {@code "\ud800"} (else 400).
 */
final class JsonBody {
  static final String MEDIA_TYPE = "application/json";
  /** Admin bodies are flat; a deeply nested one is a mistake or an attack on the parser. */
  private static final int MAX_NESTING = 16;

  private static final ObjectMapper STRICT = new ObjectMapper(JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonBody() {}

  /** The body as a JSON object; throws {@link AdminRequestException} (415 or 400) saying what is wrong. */
  static ObjectNode object(RoutingContext ctx) {
    requireJsonContentType(ctx.request().headers().getAll(HttpHeaders.CONTENT_TYPE));
    Buffer body = ctx.body().buffer();
    String text = decodeUtf8(body == null ? new byte[0] : body.getBytes());
    if (text.isBlank()) {
      throw AdminRequestException.badRequest("Send a JSON object as the request body.");
    }
    JsonNode parsed;
    try {
      parsed = STRICT.readTree(text);
    } catch (JsonProcessingException e) {
      throw AdminRequestException.badRequest(describe(e));
    }
    if (!(parsed instanceof ObjectNode object)) {
      throw AdminRequestException.badRequest("The request body must be a JSON object {...}, not " + kind(parsed) + ".");
    }
    requireWellFormedText(object);
    return object;
  }

  /** Throws 400 when {@code body} is not empty: for endpoints that take no body, so none is silently ignored. */
  static void requireNone(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body != null && body.length() > 0) {
      throw AdminRequestException.badRequest("This endpoint takes no request body; send the request without one"
          + " (parameters go in the path).");
    }
  }

  static void requireJsonContentType(List<String> contentTypes) {
    if (contentTypes.size() > 1) {
      throw AdminRequestException.badRequest("The request has " + contentTypes.size() + " Content-Type headers; send"
          + " exactly one: Content-Type: " + MEDIA_TYPE + ".");
    }
    String contentType = contentTypes.isEmpty() ? null : contentTypes.get(0);
    if (contentType == null || !isJson(contentType)) {
      throw new AdminRequestException(415, "unsupported_media_type", (contentType == null
          ? "The request has no Content-Type" : "The request's Content-Type is '" + shorten(contentType) + "'")
          + "; send the body as JSON with Content-Type: " + MEDIA_TYPE + " (UTF-8).");
    }
  }

  /** {@code application/json}, any case, optionally with {@code charset=utf-8} and no other parameter. */
  private static boolean isJson(String contentType) {
    String[] parts = contentType.split(";", -1);
    if (!parts[0].strip().toLowerCase(Locale.ROOT).equals(MEDIA_TYPE)) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].strip().toLowerCase(Locale.ROOT).replace(" ", "");
      if (!parameter.equals("charset=utf-8") && !parameter.equals("charset=\"utf-8\"")) {
        return false;
      }
    }
    return true;
  }

  static String decodeUtf8(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      return decoder.decode(in).toString();
    } catch (CharacterCodingException e) {
      throw AdminRequestException.badRequest("The request body is not valid UTF-8 (bad byte sequence near byte "
          + in.position() + "); send the JSON encoded as UTF-8.");
    }
  }

  /** Field names and string values must be well-formed Unicode: a lone surrogate cannot be stored faithfully. */
  private static void requireWellFormedText(JsonNode node) {
    if (node.isTextual()) {
      requireWellFormed(node.textValue());
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        requireWellFormed(field.getKey());
        requireWellFormedText(field.getValue());
      }
    } else if (node.isArray()) {
      node.forEach(JsonBody::requireWellFormedText);
    }
  }

  private static void requireWellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw AdminRequestException.badRequest("The request body holds a string with an unpaired surrogate escape"
            + " (\\\\u" + String.format("%04x", (int) c) + "), which is not text; send valid Unicode.");
      }
    }
  }

  private static String describe(JsonProcessingException e) {
    String problem = e.getOriginalMessage();
    JsonLocation where = e.getLocation();
    String at = where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
    if (problem != null && problem.startsWith("Duplicate field ")) {
      return "The request body has the " + problem.substring("Duplicate ".length()) + " more than once" + at
          + "; send each field once, so that what is stored is what a reviewer reads.";
    }
    if (problem != null && problem.startsWith("Trailing token")) {
      return "The request body has more after the JSON object" + at + "; send exactly one JSON object.";
    }
    return "The request body is not valid JSON" + at + ": " + shorten(firstLine(problem));
  }

  static String kind(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    return switch (value.getNodeType()) {
      case ARRAY -> "a list";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case NUMBER -> "a number";
      case STRING -> "a string";
      case OBJECT -> "an object";
      default -> "a " + value.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  static String shorten(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
