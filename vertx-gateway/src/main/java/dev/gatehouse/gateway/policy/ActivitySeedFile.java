package dev.gatehouse.gateway.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the activity seed ({@code realm-config/activities.json}): a JSON list of
 * {@code {"method", "url_regex", "description", "permissions": [...]}}. Every entry is validated here, so a bad
 * seed fails at start with the entry's position and the reason.
 */
public final class ActivitySeedFile {
  private static final Set<String> FIELDS = Set.of("method", "url_regex", "description", "permissions");

  private ActivitySeedFile() {}

  public static List<ActivityDefinition> read(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  public static List<ActivityDefinition> parse(String json, String source) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json);
    if (root == null || !root.isArray()) {
      throw new InvalidActivityException(source + " must hold a JSON list of activities.");
    }
    List<ActivityDefinition> definitions = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      String where = source + " entry " + i;
      JsonNode entry = root.get(i);
      if (!entry.isObject()) {
        throw new InvalidActivityException(where + " is not a JSON object.");
      }
      entry.fieldNames().forEachRemaining(field -> {
        if (!FIELDS.contains(field)) {
          throw new InvalidActivityException(where + " has an unknown field '" + field + "'; expected " + FIELDS + ".");
        }
      });
      Set<String> permissions = new LinkedHashSet<>();
      JsonNode permissionList = entry.path("permissions");
      if (!permissionList.isMissingNode() && !permissionList.isArray()) {
        throw new InvalidActivityException(where + ": 'permissions' must be a list of names.");
      }
      permissionList.forEach(p -> permissions.add(p.asText()));
      ActivityDefinition definition = new ActivityDefinition(text(entry, "method"), text(entry, "url_regex"),
          text(entry, "description"), permissions);
      try {
        definition.validate();
      } catch (InvalidActivityException e) {
        throw new InvalidActivityException(where + " (" + definition.method() + " " + definition.urlRegex() + "): "
            + e.getMessage());
      }
      definitions.add(definition);
    }
    return definitions;
  }

  private static String text(JsonNode entry, String field) {
    JsonNode value = entry.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
