package dev.gatehouse.openapi;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An OpenAPI document to the activities of one service: a pure function, no gateway, no network.
 *
 * <p>Each operation becomes its method plus the regex of its path template ({@link PathTemplate}), relative to the
 * service's route prefix. Its permissions come from, in this order: the operation's {@value #EXTENSION} extension (a
 * list of names); the scopes of its OAuth2 / OpenID Connect security requirement (the operation's, else the
 * document's); the permissions map, keyed by operationId or {@code "METHOD /path"}. Everything that cannot be imported
 * faithfully is refused, all problems at once. {@value #SHADOW_EXTENSION}{@code : true} on an operation makes its
 * activity a shadow (measured, not enforced): the spec's way to roll a new rule out before enforcing it.
 */
public final class OpenApiConverter {
  public static final String EXTENSION = "x-gatehouse-permissions";
  public static final String SHADOW_EXTENSION = "x-gatehouse-shadow";
  /** The methods an activity can have. HEAD is decided as GET by the gateway; OPTIONS never needs an activity. */
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
  private static final int MAX_DESCRIPTION = 1000;

  /** What to do with an operation that has no permissions from any source. */
  public enum Unmapped { FAIL, SKIP }

  /**
   * @param unmapped       refuse (default) or leave out operations without permissions
   * @param permissionsMap permissions by operationId or {@code "METHOD /path"} (empty when none)
   * @param stripPrefix    removed from each spec path first, when the spec's paths carry the route prefix (or "")
   */
  public record Options(Unmapped unmapped, Map<String, List<String>> permissionsMap, String stripPrefix,
      Spelling spelling) {
    public Options {
      permissionsMap = Map.copyOf(permissionsMap);
      stripPrefix = stripPrefix == null ? "" : stripPrefix;
      spelling = spelling == null ? Spelling.COMMAND_LINE : spelling;
    }

    /** With the command line's spelling of the options in messages. */
    public Options(Unmapped unmapped, Map<String, List<String>> permissionsMap, String stripPrefix) {
      this(unmapped, permissionsMap, stripPrefix, Spelling.COMMAND_LINE);
    }

    public static Options defaults() {
      return new Options(Unmapped.FAIL, Map.of(), "");
    }
  }

  /**
   * How messages name the options, so that each caller's users read the names they type.
   *
   * @param unmappedSkip   the option that leaves unmapped operations out
   * @param permissionsMap the permissions map option
   * @param stripPrefix    the strip-prefix option
   */
  public record Spelling(String unmappedSkip, String permissionsMap, String stripPrefix) {
    public static final Spelling COMMAND_LINE = new Spelling("--unmapped=skip", "--permissions-map", "--strip-prefix");
    /** The gateway's import endpoint's JSON fields. */
    public static final Spelling JSON_FIELDS = new Spelling("\"unmapped\": \"skip\"", "\"permissionsMap\"",
        "\"stripPrefix\"");
  }

  /**
   * @param activities the activities, sorted by method and regex
   * @param skipped    operations left out, each with why (HEAD/OPTIONS/TRACE, or unmapped with {@code SKIP})
   */
  public record Result(List<ActivityDraft> activities, List<String> skipped) {}

  private OpenApiConverter() {}

  public static Result convert(OpenAPI api, Options options) {
    List<String> problems = new ArrayList<>();
    List<String> unmapped = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<ActivityDraft> activities = new ArrayList<>();
    Map<String, List<PathTemplate>> templatesByMethod = new LinkedHashMap<>();
    Map<String, ActivityDraft> byKey = new LinkedHashMap<>();
    Set<String> usedMapKeys = new LinkedHashSet<>();

    Map<String, PathItem> paths = api.getPaths() == null ? Map.of() : api.getPaths();
    if (paths.isEmpty()) {
      problems.add("the document has no paths: there is nothing to import");
    }
    for (Map.Entry<String, PathItem> entry : paths.entrySet()) {
      String specPath = entry.getKey();
      PathTemplate template;
      try {
        template = PathTemplate.parse(relative(specPath, options));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
        continue;
      }
      PathItem item = entry.getValue();
      if (item == null || item.readOperationsMap() == null) {
        continue;
      }
      for (Map.Entry<PathItem.HttpMethod, Operation> op : item.readOperationsMap().entrySet()) {
        String method = op.getKey().name();
        Operation operation = op.getValue();
        String name = method + " " + specPath;
        if (!METHODS.contains(method)) {
          skipped.add(name + ": " + (method.equals("HEAD") ? "HEAD is decided as GET by the gateway"
              : method + " needs no activity (the gateway answers it before authorization or refuses it)"));
          continue;
        }
        SortedSet<String> permissions;
        try {
          permissions = permissions(api, operation, name, options, usedMapKeys);
        } catch (IllegalArgumentException e) {
          problems.add(e.getMessage());
          continue;
        }
        if (permissions.isEmpty()) {
          if (options.unmapped() == Unmapped.SKIP) {
            skipped.add(name + ": no permissions (" + options.spelling().unmappedSkip() + ")");
          } else {
            unmapped.add(name + (operation.getOperationId() == null ? "" : " (" + operation.getOperationId() + ")"));
          }
          continue;
        }
        boolean shadow;
        try {
          shadow = shadow(operation, name);
        } catch (IllegalArgumentException e) {
          problems.add(e.getMessage());
          continue;
        }
        ActivityDraft draft = new ActivityDraft(method, template.regex(), description(operation, name), permissions,
            name, shadow);
        ActivityDraft same = byKey.putIfAbsent(method + " " + template.regex(), draft);
        if (same != null) {
          problems.add(name + " and " + same.operation() + " are the same path template: give one of them");
          continue;
        }
        for (PathTemplate other : templatesByMethod.getOrDefault(method, List.of())) {
          ActivityDraft otherDraft = byKey.get(method + " " + other.regex());
          if (template.overlaps(other) && !otherDraft.permissions().equals(permissions)) {
            problems.add(name + " " + permissions + " and " + otherDraft.operation() + " " + otherDraft.permissions()
                + " overlap: some paths match both templates (e.g. a literal segment where the other has a"
                + " parameter), and the gateway allows a request when ANY matching activity allows it, so holders of"
                + " either set would reach both. Give both the same permissions, or rename one path");
          }
        }
        templatesByMethod.computeIfAbsent(method, m -> new ArrayList<>()).add(template);
        activities.add(draft);
      }
    }
    if (!unmapped.isEmpty()) {
      problems.add(unmapped.size() + " operation(s) have no permissions: " + String.join(", ", unmapped) + ". Give each"
          + " an " + EXTENSION + " list, an OAuth2/OpenID Connect security requirement with scopes, or an entry in "
          + options.spelling().permissionsMap() + "; or pass " + options.spelling().unmappedSkip() + " to leave them"
          + " out (they are then refused by the gateway)");
    }
    Set<String> unusedMapKeys = new TreeSet<>(options.permissionsMap().keySet());
    unusedMapKeys.removeAll(usedMapKeys);
    if (!problems.isEmpty()) {
      throw new SpecRefusedException("The spec cannot be imported (" + problems.size() + " problem(s)):", problems);
    }
    for (String key : unusedMapKeys) {
      skipped.add("permissions map entry \"" + key + "\" matches no operation that needed it");
    }
    activities.sort(Comparator.comparing(ActivityDraft::method).thenComparing(ActivityDraft::serviceRegex));
    return new Result(List.copyOf(activities), List.copyOf(skipped));
  }

  private static String relative(String specPath, Options options) {
    String stripPrefix = options.stripPrefix();
    if (stripPrefix.isEmpty()) {
      return specPath;
    }
    if (!specPath.startsWith(stripPrefix + "/") && !specPath.equals(stripPrefix)) {
      throw new IllegalArgumentException("path \"" + specPath + "\" does not start with "
          + options.spelling().stripPrefix() + " \"" + stripPrefix + "\"");
    }
    String rest = specPath.substring(stripPrefix.length());
    return rest.isEmpty() ? "/" : rest;
  }

  private static SortedSet<String> permissions(OpenAPI api, Operation operation, String name, Options options,
      Set<String> usedMapKeys) {
    Object extension = operation.getExtensions() == null ? null : operation.getExtensions().get(EXTENSION);
    if (extension != null) {
      return names(extension, name, options.spelling());
    }
    SortedSet<String> scopes = scopes(api, operation, name);
    if (!scopes.isEmpty()) {
      return scopes;
    }
    for (String key : new String[] {operation.getOperationId(), name}) {
      if (key != null && options.permissionsMap().containsKey(key)) {
        usedMapKeys.add(key);
        return names(options.permissionsMap().get(key), name + " in " + options.spelling().permissionsMap(),
            options.spelling());
      }
    }
    return new TreeSet<>();
  }

  private static SortedSet<String> names(Object value, String where, Spelling spelling) {
    Collection<?> list = value instanceof Collection<?> c ? c : value instanceof String s ? List.of(s) : null;
    if (list == null) {
      throw new IllegalArgumentException(where + ": " + EXTENSION + " must be a list of permission names such as"
          + " [view-roles], not " + value);
    }
    SortedSet<String> names = new TreeSet<>();
    for (Object item : list) {
      if (!(item instanceof String s) || s.isBlank()) {
        throw new IllegalArgumentException(where + ": permission names must be non-empty strings, got " + item);
      }
      names.add(s);
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(where + ": the permission list is empty; an activity without permissions"
          + " allows nobody. Remove the operation from the spec, or pass " + spelling.unmappedSkip());
    }
    return names;
  }

  /**
   * The scopes of the operation's OAuth2/OIDC requirement. Several requirement objects are alternatives, which the
   * gateway's "any permission" rule expresses; several scopes in ONE object are all required, which it cannot.
   */
  private static SortedSet<String> scopes(OpenAPI api, Operation operation, String name) {
    List<SecurityRequirement> requirements = operation.getSecurity() != null ? operation.getSecurity()
        : api.getSecurity();
    SortedSet<String> scopes = new TreeSet<>();
    if (requirements == null) {
      return scopes;
    }
    Map<String, SecurityScheme> schemes = api.getComponents() == null || api.getComponents().getSecuritySchemes()
        == null ? Map.of() : api.getComponents().getSecuritySchemes();
    for (SecurityRequirement requirement : requirements) {
      List<String> inThisRequirement = new ArrayList<>();
      for (Map.Entry<String, List<String>> scheme : requirement.entrySet()) {
        SecurityScheme defined = schemes.get(scheme.getKey());
        if (defined == null || defined.getType() == null || !(defined.getType() == SecurityScheme.Type.OAUTH2
            || defined.getType() == SecurityScheme.Type.OPENIDCONNECT)) {
          continue;
        }
        inThisRequirement.addAll(scheme.getValue() == null ? List.of() : scheme.getValue());
      }
      if (inThisRequirement.size() > 1) {
        throw new IllegalArgumentException(name + ": one security requirement needs ALL of the scopes "
            + inThisRequirement + ", but a Gatehouse activity allows holders of ANY linked permission. List them as"
            + " separate requirements if any one suffices, or give " + EXTENSION + " explicitly");
      }
      scopes.addAll(inThisRequirement);
    }
    return scopes;
  }

  private static boolean shadow(Operation operation, String name) {
    Object value = operation.getExtensions() == null ? null : operation.getExtensions().get(SHADOW_EXTENSION);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean flag)) {
      throw new IllegalArgumentException(name + ": " + SHADOW_EXTENSION + " must be true or false, not " + value);
    }
    return flag;
  }

  private static String description(Operation operation, String name) {
    String text = operation.getSummary() != null && !operation.getSummary().isBlank() ? operation.getSummary().strip()
        : operation.getOperationId() != null ? operation.getOperationId() : name;
    return text.length() > MAX_DESCRIPTION ? text.substring(0, MAX_DESCRIPTION - 3) + "..." : text;
  }
}
