package dev.gatehouse.it.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml as compose would see it: variables interpolated from an env file ({@code ${VAR}},
 * {@code ${VAR:-default}}, {@code ${VAR-default}}, {@code ${VAR:?message}}, {@code ${VAR?message}}, {@code $$}),
 * then parsed. Only what the consistency checks need.
 */
final class ComposeFile {
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

  private final String rawText;
  private final Map<String, Object> root;

  private ComposeFile(String rawText, Map<String, Object> root) {
    this.rawText = rawText;
    this.root = root;
  }

  static ComposeFile load(Path file, Map<String, String> variables) throws IOException {
    // Compose interpolates values, not comments: drop comment lines so examples in them are not taken as uses.
    String raw = Files.readString(file).replaceAll("(?m)^\\s*#.*$", "");
    Map<String, Object> parsed = new Yaml().load(interpolate(raw, variables));
    return new ComposeFile(raw, parsed);
  }

  /** Every variable name the file refers to, before interpolation. */
  Set<String> variableNames() {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = VARIABLE.matcher(rawText);
    while (m.find()) {
      if (m.group(1) != null) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Names used as {@code ${NAME:?message}} or {@code ${NAME?message}}: compose refuses to run without them. */
  Set<String> requiredVariableNames() {
    Set<String> names = new LinkedHashSet<>();
    Matcher m = VARIABLE.matcher(rawText);
    while (m.find()) {
      if (m.group(2) != null && m.group(2).endsWith("?")) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  Set<String> serviceNames() {
    return services().keySet();
  }

  Map<String, Object> service(String name) {
    Object service = services().get(name);
    if (!(service instanceof Map<?, ?>)) {
      throw new AssertionError("docker-compose.yml has no service \"" + name + "\" (services: " + serviceNames() + ")");
    }
    return cast(service);
  }

  /** The service's environment, whether written as a map or as a list of NAME=value. */
  Map<String, String> environment(String serviceName) {
    Object env = service(serviceName).get("environment");
    Map<String, String> result = new LinkedHashMap<>();
    if (env instanceof Map<?, ?> map) {
      map.forEach((k, v) -> result.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    } else if (env instanceof List<?> list) {
      for (Object entry : list) {
        String text = String.valueOf(entry);
        int eq = text.indexOf('=');
        result.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
      }
    }
    return result;
  }

  /** Bind mounts of the service: host path as written (relative to the repository root) → container path. */
  List<Mount> bindMounts(String serviceName) {
    Object volumes = service(serviceName).get("volumes");
    List<Mount> mounts = new ArrayList<>();
    if (volumes instanceof List<?> list) {
      for (Object volume : list) {
        String[] parts = String.valueOf(volume).split(":");
        if (parts.length >= 2 && (parts[0].startsWith("./") || parts[0].startsWith("/"))) {
          mounts.add(new Mount(parts[0], parts[1]));
        }
      }
    }
    return mounts;
  }

  record Mount(String source, String target) {}

  /** The value at a path of keys below the service, or null. */
  Object setting(String serviceName, String... keys) {
    Object node = service(serviceName);
    for (String key : keys) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(key);
    }
    return node;
  }

  private Map<String, Object> services() {
    Object services = root.get("services");
    if (!(services instanceof Map<?, ?>)) {
      throw new AssertionError("docker-compose.yml has no services section");
    }
    return cast(services);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object map) {
    return (Map<String, Object>) map;
  }

  static String interpolate(String text, Map<String, String> variables) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(resolve(m, variables)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String resolve(Matcher m, Map<String, String> variables) {
    if (m.group(1) == null) {
      return "$";
    }
    String name = m.group(1);
    String operator = m.group(2);
    String value = variables.get(name);
    boolean unset = value == null;
    boolean empty = unset || value.isEmpty();
    if (operator == null) {
      return unset ? "" : value;
    }
    boolean colon = operator.startsWith(":");
    boolean missing = colon ? empty : unset;
    if (operator.endsWith("-")) {
      return missing ? m.group(3) : value;
    }
    if (missing) {
      throw new AssertionError("compose would refuse to run: " + name + " is required (" + m.group(3) + ")");
    }
    return value;
  }
}
