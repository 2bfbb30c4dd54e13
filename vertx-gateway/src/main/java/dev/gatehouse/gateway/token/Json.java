package dev.gatehouse.gateway.token;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Strict JSON reading for token claims: duplicate member names (at any depth) and trailing data are errors. */
final class Json {

  // Duplicate names matter: two parsers that pick different "alg" or "sub" values are a classic JWT bypass.
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** The JSON object in {@code bytes}, or null when they are not exactly one JSON object. */
  static JsonNode object(byte[] bytes) {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      return node != null && node.isObject() ? node : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
