package dev.gatehouse.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads typed values out of the merged JSON settings and records, instead of throwing, every value that is wrong,
 * so that one start reports all problems at once. Each problem names the key (and the environment variable that
 * set it, if any), the value found and what is expected.
 */
final class SettingsReader {
  private final JsonObject root;
  private final Map<String, String> envSources;
  private final List<String> problems = new ArrayList<>();

  SettingsReader(JsonObject root, Map<String, String> envSources) {
    this.root = root;
    this.envSources = envSources;
  }

  List<String> problems() {
    return problems;
  }

  void problem(String key, Object value, String expected) {
    String shown = value == null ? "nothing" : value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    problems.add(describe(key) + ": expected " + expected + ", got " + shown);
  }

  String describe(String key) {
    String env = envSources.get(key);
    return env == null ? key : key + " (from " + env + ")";
  }

  Object raw(String key) {
    Object node = root;
    for (String part : key.split("\\.")) {
      if (!(node instanceof JsonObject object)) {
        return null;
      }
      node = object.getValue(part);
    }
    return node;
  }

  String string(String key, String fallback, boolean required) {
    Object value = raw(key);
    if (value == null) {
      if (required && fallback == null) {
        problem(key, null, "a value (set it in the config file or its environment variable)");
      }
      return fallback;
    }
    if (!(value instanceof String text) || text.isBlank()) {
      problem(key, value, "a non-empty string");
      return fallback;
    }
    return text.trim();
  }

  long number(String key, long fallback, long min, long max) {
    Object value = raw(key);
    if (value == null) {
      return fallback;
    }
    long parsed;
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      parsed = n.longValue();
    } else if (value instanceof String s && s.trim().matches("-?\\d{1,18}")) {
      parsed = Long.parseLong(s.trim());
    } else {
      problem(key, value, "a whole number between " + min + " and " + max);
      return fallback;
    }
    if (parsed < min || parsed > max) {
      problem(key, value, "a whole number between " + min + " and " + max);
      return fallback;
    }
    return parsed;
  }

  boolean flag(String key, boolean fallback) {
    Object value = raw(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && (s.trim().equalsIgnoreCase("true") || s.trim().equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s.trim());
    }
    problem(key, value, "true or false");
    return fallback;
  }

  /** A list of strings, given as a JSON array or (from the environment) as a comma-separated string. */
  List<String> strings(String key, List<String> fallback) {
    Object value = raw(key);
    if (value == null) {
      return fallback;
    }
    List<String> out = new ArrayList<>();
    if (value instanceof String s) {
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
      return out;
    }
    if (!(value instanceof JsonArray array)) {
      problem(key, value, "a list of strings");
      return fallback;
    }
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (item instanceof String s && !s.isBlank()) {
        out.add(s.trim());
      } else {
        problem(key + "[" + i + "]", item, "a non-empty string");
      }
    }
    return out;
  }

  /** {@code value} as an absolute http(s) URL with a host, or null (and a problem on {@code key}). */
  URI httpUrl(String key, String value) {
    try {
      URI uri = new URI(value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException ignored) {
      // reported below
    }
    problem(key, value, "an absolute http(s) URL such as \"https://sso.example.com/realms/suite\"");
    return null;
  }

  JsonArray array(String key) {
    Object value = raw(key);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      problem(key, value, "a list");
      return null;
    }
    return array;
  }
}
