package dev.gatehouse.openapi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The {@code --permissions-map} file: YAML (or JSON, which is YAML) mapping an operationId or {@code "METHOD /path"}
 * to a permission name or a list of names, e.g. {@code listRoles: [view-roles]}.
 */
public final class PermissionsMap {
  private PermissionsMap() {}

  public static Map<String, List<String>> read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new SpecRefusedException("Cannot read the permissions map:", List.of(file + ": " + e.getMessage()));
    }
    return parse(text, file.toString());
  }

  public static Map<String, List<String>> parse(String text, String source) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new SpecRefusedException("The permissions map " + source + " is not valid YAML:", List.of(e.getMessage()));
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new SpecRefusedException("The permissions map " + source + " is refused:", List.of("expected a mapping"
          + " from operationId or \"METHOD /path\" to permission names, e.g. listRoles: [view-roles]"));
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      Object value = entry.getValue();
      List<String> names = new ArrayList<>();
      if (value instanceof String name) {
        names.add(name);
      } else if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
        list.forEach(name -> names.add((String) name));
      } else {
        problems.add("\"" + entry.getKey() + "\": expected a permission name or a list of names, got " + value);
        continue;
      }
      out.put(String.valueOf(entry.getKey()), List.copyOf(names));
    }
    if (!problems.isEmpty()) {
      throw new SpecRefusedException("The permissions map " + source + " is refused:", problems);
    }
    return out;
  }
}
