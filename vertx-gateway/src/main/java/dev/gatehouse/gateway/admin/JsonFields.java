package dev.gatehouse.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.policy.ActivityPatterns;
import dev.gatehouse.gateway.policy.InvalidActivityException;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Typed, strict reads of the fields of an admin request body: no unknown fields, no type coercion, no nulls. */
final class JsonFields {
  private JsonFields() {}

  /** Throws 400 naming the first field of {@code body} that is not in {@code allowed}. */
  static void requireKnown(ObjectNode body, List<String> allowed, String what) {
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        String hint = allowed.stream().filter(name::equalsIgnoreCase).findFirst()
            .map(match -> " (did you mean \"" + match + "\"? names are case-sensitive)").orElse("");
        throw AdminRequestException.badRequest("Unknown field \"" + JsonBody.shorten(name) + "\"" + hint + ". " + what
            + " has the fields " + String.join(", ", allowed) + ".");
      }
    }
  }

  /** The string value of {@code field}, or null when it is absent and not {@code required}. */
  static String string(ObjectNode body, String field, boolean required, String expected) {
    JsonNode value = body.get(field);
    if (value == null) {
      if (required) {
        throw AdminRequestException.badRequest("\"" + field + "\" is missing: " + expected + ".");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw AdminRequestException.badRequest("\"" + field + "\" must be a string, not " + JsonBody.kind(value) + ": "
          + expected + ".");
    }
    return value.textValue();
  }

  /** The boolean value of {@code field}, or null when it is absent. */
  static Boolean bool(ObjectNode body, String field, String expected) {
    JsonNode value = body.get(field);
    if (value == null) {
      return null;
    }
    if (!value.isBoolean()) {
      throw AdminRequestException.badRequest("\"" + field + "\" must be true or false, not " + JsonBody.kind(value)
          + ": " + expected + ".");
    }
    return value.booleanValue();
  }

  /**
   * The permission names listed in {@code field}, each valid and listed once; null when absent and not
   * {@code required}.
   */
  static Set<String> permissionNames(ObjectNode body, String field, boolean required) {
    JsonNode value = body.get(field);
    if (value == null) {
      if (required) {
        throw AdminRequestException.badRequest("\"" + field + "\" is missing: give the list of permission names,"
            + " such as [\"view-roles\"] (an empty list for none).");
      }
      return null;
    }
    if (!value.isArray()) {
      throw AdminRequestException.badRequest("\"" + field + "\" must be a list of permission names such as"
          + " [\"view-roles\"], not " + JsonBody.kind(value) + ".");
    }
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (!item.isTextual()) {
        throw AdminRequestException.badRequest("\"" + field + "\"[" + i + "] is " + JsonBody.kind(item)
            + "; permission names are strings such as \"view-roles\".");
      }
      String name = item.textValue();
      try {
        ActivityPatterns.validatePermission(name);
      } catch (InvalidActivityException e) {
        throw AdminRequestException.badRequest("\"" + field + "\"[" + i + "]: " + e.getMessage());
      }
      if (!names.add(name)) {
        throw AdminRequestException.badRequest("\"" + field + "\" lists \"" + name + "\" more than once; list each"
            + " permission once.");
      }
    }
    return names;
  }
}
