package dev.gatehouse.cli.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A policy test table, YAML or CSV, read into the cases {@code POST /gatehouse/admin/policy-tests} takes.
 *
 * <p>YAML: {@code cases:} a list of {@code {name?, who, method, path, expected}}. CSV: a header line
 * {@code who,method,path,expected[,name]}, then one case per line ({@code #} lines are comments). In both,
 * {@code who} is {@code role:NAME}, {@code user:USERNAME}, {@code client:CLIENT_ID} or
 * {@code permissions:NAME NAME ...} (space-separated; none after the colon for the empty set); YAML also takes the
 * API's object form, e.g. {@code {role: fellow}}. Values are checked by the gateway, which names the bad case.
 */
public final class PolicyTable {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final List<String> CSV_COLUMNS = List.of("who", "method", "path", "expected", "name");
  private static final Set<String> CASE_FIELDS = Set.of("who", "method", "path", "expected", "name");

  private PolicyTable() {}

  /** Thrown for a table that cannot be read; the message names the file and the line or case. */
  public static final class TableException extends RuntimeException {
    public TableException(String message) {
      super(message, null, false, false);
    }
  }

  public static List<ObjectNode> read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new TableException("Cannot read the table " + file + ": " + e.getMessage());
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return csv(text, file.toString());
    }
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return yaml(text, file.toString());
    }
    throw new TableException("The table " + file + " must be a .yaml, .yml or .csv file.");
  }

  static List<ObjectNode> yaml(String text, String source) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new TableException(source + " is not valid YAML: " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> map) || !(map.get("cases") instanceof List<?> list)) {
      throw new TableException(source + ": expected a top-level \"cases:\" list of {who, method, path, expected}.");
    }
    List<ObjectNode> cases = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String where = source + ", case " + (i + 1);
      if (!(list.get(i) instanceof Map<?, ?> item)) {
        throw new TableException(where + ": expected a mapping with who, method, path, expected.");
      }
      ObjectNode out = JSON.objectNode();
      for (Map.Entry<?, ?> field : item.entrySet()) {
        String key = String.valueOf(field.getKey());
        if (!CASE_FIELDS.contains(key)) {
          throw new TableException(where + ": unknown field \"" + key + "\"; a case has " + CASE_FIELDS + ".");
        }
        Object value = field.getValue();
        if (key.equals("who")) {
          out.set("who", who(value, where));
        } else if (value instanceof String || value instanceof Number || value instanceof Boolean) {
          out.put(key, String.valueOf(value));
        } else {
          throw new TableException(where + ": \"" + key + "\" must be a text value, not " + value + ".");
        }
      }
      cases.add(out);
    }
    return cases;
  }

  static List<ObjectNode> csv(String text, String source) {
    List<ObjectNode> cases = new ArrayList<>();
    List<String> header = null;
    String[] lines = text.split("\r?\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      String where = source + ", line " + (n + 1);
      List<String> cells = cells(line, where);
      if (header == null) {
        header = cells.stream().map(String::strip).toList();
        if (!header.containsAll(CSV_COLUMNS.subList(0, 4)) || !CSV_COLUMNS.containsAll(header)) {
          throw new TableException(where + ": the header must name the columns who,method,path,expected and"
              + " optionally name, got " + header + ".");
        }
        continue;
      }
      if (cells.size() != header.size()) {
        throw new TableException(where + ": " + cells.size() + " values for " + header.size() + " columns "
            + header + " (quote a value that holds a comma).");
      }
      ObjectNode out = JSON.objectNode();
      for (int i = 0; i < header.size(); i++) {
        String value = cells.get(i).strip();
        if (header.get(i).equals("who")) {
          out.set("who", who(value, where));
        } else if (!(header.get(i).equals("name") && value.isEmpty())) {
          out.put(header.get(i), value);
        }
      }
      cases.add(out);
    }
    if (header == null) {
      throw new TableException(source + " is empty: expected a header line who,method,path,expected[,name].");
    }
    return cases;
  }

  /** RFC 4180 cells of one line: commas separate, double quotes quote, "" is a quote inside quotes. */
  private static List<String> cells(String line, String where) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    if (quoted) {
      throw new TableException(where + ": a quoted value is not closed.");
    }
    cells.add(cell.toString());
    return cells;
  }

  /** {@code role:NAME} style text, or YAML's object form, to the API's who object. */
  static ObjectNode who(Object value, String where) {
    if (value instanceof Map<?, ?> map) {
      ObjectNode who = JSON.objectNode();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String key = String.valueOf(entry.getKey());
        if (key.equals("permissions") && entry.getValue() instanceof List<?> list) {
          ArrayNode names = who.putArray("permissions");
          list.forEach(name -> names.add(String.valueOf(name)));
        } else if (entry.getValue() instanceof String text) {
          who.put(key, text);
        } else {
          throw new TableException(where + ": who." + key + " must be a name (permissions: a list of names).");
        }
      }
      return who;
    }
    String text = value == null ? "" : String.valueOf(value).strip();
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new TableException(where + ": who \"" + text + "\" must be role:NAME, user:USERNAME, client:CLIENT_ID or"
          + " permissions:NAME NAME ...");
    }
    String kind = text.substring(0, colon).strip();
    String rest = text.substring(colon + 1).strip();
    ObjectNode who = JSON.objectNode();
    switch (kind) {
      case "role", "user", "client" -> who.put(kind, rest);
      case "permissions" -> {
        ArrayNode names = who.putArray("permissions");
        for (String name : rest.split("\\s+")) {
          if (!name.isEmpty()) {
            names.add(name);
          }
        }
      }
      default -> throw new TableException(where + ": who \"" + text + "\" starts with \"" + kind + ":\"; use role:,"
          + " user:, client: or permissions:.");
    }
    return who;
  }
}
