package dev.gatehouse.openapi;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Parses an OpenAPI 3.0 or 3.1 document's text with swagger-parser. Any parser message refuses the document: a spec
 * that is only half understood would give half the activities. Reading a file or fetching a URL is the caller's
 * business (the CLI does both; the gateway takes text only and uses {@link #parseSelfContained}).
 */
public final class OpenApiDocuments {
  private OpenApiDocuments() {}

  /** Parses the document's text, resolving its {@code $ref}s; {@code location} only names it in messages. */
  public static OpenAPI parse(String text, String location) {
    if (text.lines().limit(50).anyMatch(line -> line.matches("(\\{\\s*)?\"?swagger\"?\\s*:\\s*[\"']?2.*"))) {
      throw new SpecRefusedException("Cannot import " + location + ":", List.of("it is a Swagger 2.0 document; only"
          + " OpenAPI 3.0 and 3.1 are read. Convert it first (e.g. with swagger-converter or the Swagger editor)"));
    }
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIParser().readContents(text, null, options);
    List<String> messages = new ArrayList<>(result.getMessages() == null ? List.of() : result.getMessages());
    if (result.getOpenAPI() == null && messages.isEmpty()) {
      messages.add("not an OpenAPI document (no \"openapi\" field found)");
    }
    if (!messages.isEmpty()) {
      throw new SpecRefusedException("The spec " + location + " is not a valid OpenAPI 3.0/3.1 document (swagger-parser"
          + " says):", messages);
    }
    return result.getOpenAPI();
  }

  /**
   * As {@link #parse}, for a server that must not reach anything on a caller's behalf: a document whose {@code $ref}s
   * point outside itself (a URL or a file) is refused before the parser sees it, since resolving them would make the
   * server fetch URLs or read its own files.
   */
  public static OpenAPI parseSelfContained(String text, String location) {
    Object tree;
    try {
      tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new SpecRefusedException("The spec " + location + " is not valid YAML or JSON:",
          List.of(firstLine(e.getMessage())));
    }
    Set<String> external = new TreeSet<>();
    collectExternalRefs(tree, external, 0);
    if (!external.isEmpty()) {
      throw new SpecRefusedException("The spec " + location + " refers outside itself, which is not read here:",
          List.of("$ref " + String.join(", ", external) + ": only references inside the document (\"#/...\") are"
              + " resolved. Bundle the document into one file first (e.g. with swagger-cli bundle or redocly"
              + " bundle), or import it with the gatehouse command line, which reads files and URLs itself"));
    }
    return parse(text, location);
  }

  private static void collectExternalRefs(Object node, Set<String> external, int depth) {
    if (depth > 200) {
      throw new SpecRefusedException("The spec is refused:", List.of("it is nested more than 200 levels deep"));
    }
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if ("$ref".equals(entry.getKey()) && !(entry.getValue() instanceof String ref && ref.startsWith("#"))) {
          external.add(String.valueOf(entry.getValue()));
        } else {
          collectExternalRefs(entry.getValue(), external, depth + 1);
        }
      }
    } else if (node instanceof Collection<?> list) {
      for (Object item : list) {
        collectExternalRefs(item, external, depth + 1);
      }
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
