package dev.gatehouse.keycloak.apitoken;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import org.keycloak.util.JsonSerialization;

/**
 * The body of {@code POST /realms/{realm}/api-tokens}: {@code {"name": "...", "expiresAt": "<ISO-8601 instant>"}},
 * expiry optional. Every refusal says what to send instead.
 */
public record NewTokenRequest(String name, Instant expiresAt) {
  public static final int MAX_NAME_LENGTH = 100;
  private static final Set<String> FIELDS = Set.of("name", "expiresAt");

  public static NewTokenRequest parse(String body, Instant now) {
    JsonNode json = readObject(body);
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException("Unknown field '" + field + "'. Send only \"name\" and, optionally, \"expiresAt\".");
      }
    }
    return new NewTokenRequest(name(json.get("name")), expiresAt(json.get("expiresAt"), now));
  }

  private static JsonNode readObject(String body) {
    if (body == null || body.isBlank()) {
      throw new IllegalArgumentException("Send a JSON body such as {\"name\": \"my-script\", \"expiresAt\": \"2027-01-31T00:00:00Z\"}.");
    }
    try {
      JsonNode json = JsonSerialization.mapper.readTree(body);
      if (json == null || !json.isObject()) {
        throw new IllegalArgumentException("The body must be a JSON object with a \"name\".");
      }
      return json;
    } catch (IOException e) {
      throw new IllegalArgumentException("The body is not valid JSON: send {\"name\": \"...\"}.");
    }
  }

  private static String name(JsonNode node) {
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw new IllegalArgumentException("\"name\" is required: a short text that tells you what the token is for.");
    }
    String name = node.asText().strip();
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("\"name\" is too long: at most " + MAX_NAME_LENGTH + " characters.");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("\"name\" must not contain control characters such as line breaks.");
    }
    return name;
  }

  private static Instant expiresAt(JsonNode node, Instant now) {
    if (node == null || node.isNull()) {
      return null;
    }
    Instant expiresAt;
    try {
      expiresAt = node.isTextual() ? Instant.parse(node.asText()) : null;
    } catch (DateTimeParseException e) {
      expiresAt = null;
    }
    if (expiresAt == null) {
      throw new IllegalArgumentException("\"expiresAt\" must be an ISO-8601 instant in UTC such as \"2027-01-31T00:00:00Z\","
          + " or be left out for a token without expiry.");
    }
    if (!expiresAt.isAfter(now)) {
      throw new IllegalArgumentException("\"expiresAt\" (" + expiresAt + ") is not in the future.");
    }
    return expiresAt;
  }
}
