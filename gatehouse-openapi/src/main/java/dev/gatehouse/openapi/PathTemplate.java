package dev.gatehouse.openapi;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAPI path template such as {@code /items/{id}/files/{name}.json}, as a whole-path regex: each {@code {param}}
 * is exactly one path segment ({@value #SEGMENT}), everything else is literal (regex metacharacters escaped).
 */
public final class PathTemplate {
  /** One path segment; the shape the gateway's literal-segment trie matches without running a regex. */
  public static final String SEGMENT = "[^/]+";
  private static final Pattern PARAMETER = Pattern.compile("\\{([^{}/]+)}");
  private static final String REGEX_META = "\\.[]{}()*+?^$|";

  private final String template;
  private final List<String> segments;
  private final String regex;

  private PathTemplate(String template, List<String> segments, String regex) {
    this.template = template;
    this.segments = segments;
    this.regex = regex;
  }

  /** Throws {@link IllegalArgumentException} with a sentence for people when {@code template} is not a path. */
  public static PathTemplate parse(String template) {
    if (template == null || !template.startsWith("/")) {
      throw new IllegalArgumentException("path \"" + template + "\" does not start with '/'");
    }
    if (template.contains("?") || template.contains("#")) {
      throw new IllegalArgumentException("path \"" + template + "\" holds a query or fragment ('?' or '#')");
    }
    List<String> segments = new ArrayList<>();
    StringBuilder regex = new StringBuilder();
    String[] parts = template.substring(1).split("/", -1);
    for (String part : parts) {
      if (part.isEmpty() && parts.length > 1) {
        throw new IllegalArgumentException("path \"" + template + "\" has an empty segment ('//' or a trailing '/');"
            + " the gateway matches normalised paths, which have none");
      }
      String withoutParameters = PARAMETER.matcher(part).replaceAll("");
      if (withoutParameters.contains("{") || withoutParameters.contains("}")) {
        throw new IllegalArgumentException("path \"" + template + "\" has an unbalanced '{' or '}' in \"" + part + "\"");
      }
      if (part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("path \"" + template + "\" has a '.' or '..' segment");
      }
      segments.add(part);
      regex.append('/').append(segmentRegex(part));
    }
    return new PathTemplate(template, List.copyOf(segments), regex.toString());
  }

  private static String segmentRegex(String segment) {
    StringBuilder out = new StringBuilder();
    Matcher parameter = PARAMETER.matcher(segment);
    int at = 0;
    while (parameter.find()) {
      out.append(literal(segment.substring(at, parameter.start()))).append(SEGMENT);
      at = parameter.end();
    }
    return out.append(literal(segment.substring(at))).toString();
  }

  private static String literal(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (REGEX_META.indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  public String template() {
    return template;
  }

  /** The whole-path regex (no {@code ^}/{@code $}: the gateway always matches the whole path). */
  public String regex() {
    return regex;
  }

  /**
   * True when some concrete path matches both templates, e.g. {@code /items/{id}} and {@code /items/new}. Decided per
   * segment: a parameter-only segment meets anything; literal segments must be equal; a mixed segment such as
   * {@code {name}.json} meets a literal it matches, and another mixed segment conservatively always.
   */
  public boolean overlaps(PathTemplate other) {
    if (segments.size() != other.segments.size()) {
      return false;
    }
    for (int i = 0; i < segments.size(); i++) {
      if (!segmentsMeet(segments.get(i), other.segments.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean segmentsMeet(String a, String b) {
    boolean aLiteral = !a.contains("{");
    boolean bLiteral = !b.contains("{");
    if (aLiteral && bLiteral) {
      return a.equals(b);
    }
    if (aLiteral) {
      return Pattern.matches(segmentRegex(b), a);
    }
    if (bLiteral) {
      return Pattern.matches(segmentRegex(a), b);
    }
    return true;
  }

  @Override
  public String toString() {
    return template;
  }
}
