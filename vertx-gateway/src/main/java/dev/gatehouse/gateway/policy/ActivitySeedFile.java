package dev.gatehouse.gateway.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the activity seed ({@code realm-config/activities.json}), in one of two forms:
 * <ul>
 *   <li>a JSON list of global activities {@code {"method", "url_regex", "description", "permissions": [...]}};</li>
 *   <li>an object {@code {"services": [...], "activities": [...]}}: each service has the admin API's fields
 *   ({@code name, routePrefix, upstreams, timeoutMillis, healthCheck, description}); each activity may also name
 *   {@code "service"}, one of those services, and then its {@code url_regex} (still the whole path) must lie under
 *   the service's prefix.</li>
 * </ul>
 * Every entry is validated here, exact fields only, so a bad seed fails at start with the entry's position and the
 * reason.
 */
public final class ActivitySeedFile {
  private static final Set<String> LIST_FIELDS = Set.of("method", "url_regex", "description", "permissions");
  private static final Set<String> ACTIVITY_FIELDS = Set.of("method", "url_regex", "description", "permissions",
      "service");
  private static final Set<String> TOP_FIELDS = Set.of("services", "activities");
  private static final Set<String> SERVICE_FIELDS = Set.of("name", "routePrefix", "upstreams", "timeoutMillis",
      "healthCheck", "description");
  private static final Set<String> HEALTH_FIELDS = Set.of("path", "intervalMillis");
  /** The admin API's default, and a configured route's. */
  static final long DEFAULT_TIMEOUT_MILLIS = 30_000;

  private ActivitySeedFile() {}

  public static ActivitySeed read(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  public static ActivitySeed parse(String json, String source) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json);
    if (root != null && root.isArray()) {
      return ActivitySeed.of(activities(root, source, Map.of(), LIST_FIELDS, " entry "));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidActivityException(source + " must hold a JSON list of activities, or an object"
          + " {\"services\": [...], \"activities\": [...]}.");
    }
    requireKnown(root, TOP_FIELDS, source);
    JsonNode serviceList = root.path("services");
    if (!serviceList.isMissingNode() && !serviceList.isArray()) {
      throw new InvalidServiceException(source + ": \"services\" must be a list of services.");
    }
    List<Service> services = new ArrayList<>();
    Map<String, Service> byName = new HashMap<>();
    Set<String> prefixes = new HashSet<>();
    for (int i = 0; i < serviceList.size(); i++) {
      String where = source + " services[" + i + "]";
      Service service = service(serviceList.get(i), where);
      if (byName.put(service.name(), service) != null) {
        throw new InvalidServiceException(where + ": the name '" + service.name() + "' is used twice; give each"
            + " service its own name.");
      }
      if (!prefixes.add(service.routePrefix())) {
        throw new InvalidServiceException(where + ": the route prefix " + service.routePrefix() + " is used twice;"
            + " give each service its own prefix.");
      }
      services.add(service);
    }
    JsonNode activityList = root.get("activities");
    if (activityList == null || !activityList.isArray()) {
      throw new InvalidActivityException(source + ": \"activities\" must be a list of activities ([] for none).");
    }
    List<ActivityDefinition> activities = activities(activityList, source, byName, ACTIVITY_FIELDS, " activities[");
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < activities.size(); i++) {
      ActivityDefinition activity = activities.get(i);
      if (!keys.add(activity.method() + " " + activity.urlRegex())) {
        throw new InvalidActivityException(source + " activities[" + i + "] (" + activity.method() + " "
            + activity.urlRegex() + ") is listed twice; list each method and regex once.");
      }
    }
    return new ActivitySeed(services, activities);
  }

  /** {@code position}: " entry " (list form, today's messages) or " activities[" (object form). */
  private static List<ActivityDefinition> activities(JsonNode list, String source, Map<String, Service> services,
      Set<String> fields, String position) {
    List<ActivityDefinition> definitions = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String where = source + position + i + (position.endsWith("[") ? "]" : "");
      JsonNode entry = list.get(i);
      if (!entry.isObject()) {
        throw new InvalidActivityException(where + " is not a JSON object.");
      }
      entry.fieldNames().forEachRemaining(field -> {
        if (!fields.contains(field)) {
          throw new InvalidActivityException(where + " has an unknown field '" + field + "'; expected " + fields
              + ".");
        }
      });
      Set<String> permissions = new LinkedHashSet<>();
      JsonNode permissionList = entry.path("permissions");
      if (!permissionList.isMissingNode() && !permissionList.isArray()) {
        throw new InvalidActivityException(where + ": 'permissions' must be a list of names.");
      }
      permissionList.forEach(p -> permissions.add(p.asText()));
      String serviceName = text(entry, "service");
      ActivityDefinition definition = new ActivityDefinition(text(entry, "method"), text(entry, "url_regex"),
          text(entry, "description"), permissions, serviceName, false);
      try {
        definition.validate();
        if (serviceName != null) {
          Service owner = services.get(serviceName);
          if (owner == null) {
            throw new InvalidServiceException("'service' names '" + serviceName + "', which this file does not"
                + " declare under \"services\" " + services.keySet().stream().sorted().toList() + "; declare it"
                + " there, or leave 'service' out for a global activity.");
          }
          ServiceRules.validateRegexUnder(owner.routePrefix(), definition.urlRegex());
        }
      } catch (InvalidActivityException | InvalidServiceException e) {
        throw new InvalidActivityException(where + " (" + definition.method() + " " + definition.urlRegex() + "): "
            + e.getMessage());
      }
      definitions.add(definition);
    }
    return definitions;
  }

  private static Service service(JsonNode entry, String where) {
    if (entry == null || !entry.isObject()) {
      throw new InvalidServiceException(where + " is not a JSON object.");
    }
    String shownName = entry.path("name").isTextual() ? " (" + entry.get("name").textValue() + ")" : "";
    try {
      requireKnown(entry, SERVICE_FIELDS, "The service");
      String name = string(entry, "name", true);
      String prefix = string(entry, "routePrefix", true);
      JsonNode upstreamList = entry.get("upstreams");
      if (upstreamList == null || !upstreamList.isArray()) {
        throw new InvalidServiceException("\"upstreams\" must be a list of upstream URLs such as"
            + " [\"http://billing-1:8080\"], or [] to let a configured route carry the traffic.");
      }
      List<URI> upstreams = new ArrayList<>();
      for (JsonNode upstream : upstreamList) {
        if (!upstream.isTextual()) {
          throw new InvalidServiceException("\"upstreams\" holds " + upstream + "; upstream URLs are strings.");
        }
        upstreams.add(ServiceRules.parseUpstream(upstream.textValue()));
      }
      long timeout = whole(entry, "timeoutMillis", false, DEFAULT_TIMEOUT_MILLIS);
      Service.HealthCheck check = null;
      JsonNode checkNode = entry.get("healthCheck");
      if (checkNode != null && !checkNode.isNull()) {
        if (!checkNode.isObject()) {
          throw new InvalidServiceException("\"healthCheck\" must be an object such as {\"path\": \"/health\","
              + " \"intervalMillis\": 5000}, or left out for none.");
        }
        requireKnown(checkNode, HEALTH_FIELDS, "\"healthCheck\"");
        check = new Service.HealthCheck(string(checkNode, "path", true), whole(checkNode, "intervalMillis", true, 0));
      }
      Service service = new Service(name, prefix, upstreams, timeout, check, string(entry, "description", false), 0);
      ServiceRules.validate(service);
      return service;
    } catch (InvalidServiceException e) {
      throw new InvalidServiceException(where + shownName + ": " + e.getMessage());
    }
  }

  private static void requireKnown(JsonNode object, Set<String> fields, String what) {
    object.fieldNames().forEachRemaining(field -> {
      if (!fields.contains(field)) {
        throw new InvalidServiceException(what + " has an unknown field '" + field + "'; expected "
            + fields.stream().sorted().toList() + ".");
      }
    });
  }

  private static String string(JsonNode object, String field, boolean required) {
    JsonNode value = object.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new InvalidServiceException("\"" + field + "\" is missing.");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidServiceException("\"" + field + "\" must be a string, not " + value + ".");
    }
    return value.textValue();
  }

  private static long whole(JsonNode object, String field, boolean required, long fallback) {
    JsonNode value = object.get(field);
    if (value == null) {
      if (required) {
        throw new InvalidServiceException("\"" + field + "\" is missing.");
      }
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new InvalidServiceException("\"" + field + "\" must be a whole number, not " + value + ".");
    }
    return value.longValue();
  }

  private static String text(JsonNode entry, String field) {
    JsonNode value = entry.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
