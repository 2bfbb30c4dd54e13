package dev.gatehouse.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.cli.ExitCode;
import dev.gatehouse.cli.client.AdminApiException;
import dev.gatehouse.cli.client.AdminClient;
import dev.gatehouse.cli.openapi.SpecSource;
import dev.gatehouse.openapi.ActivityDraft;
import dev.gatehouse.openapi.OpenApiConverter;
import dev.gatehouse.openapi.PermissionsMap;
import io.swagger.v3.oas.models.OpenAPI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse import-openapi --service NAME SPEC}: the service's activities generated from its OpenAPI document,
 * shown as a plan by the gateway's sync endpoint (dry run), applied in one transaction with {@code --apply}, or
 * compared with {@code --check} (exit 1 on drift, for the service's CI).
 */
@Command(name = "import-openapi", mixinStandardHelpOptions = true, description = "Generate a service's activities"
    + " from its OpenAPI 3.0/3.1 document (file or URL) and show the plan (added, changed, removed, unchanged);"
    + " --apply applies it, --check exits 1 when the live activities differ.")
public final class ImportOpenApiCommand extends CommandBase implements Callable<Integer> {
  @Option(names = "--service", required = true, paramLabel = "NAME", description = "The stored service.")
  String service;

  @Parameters(paramLabel = "SPEC", description = "OpenAPI document: a file path or an http(s) URL (read by this"
      + " command, never by the gateway).")
  String spec;

  @Option(names = "--permissions-map", paramLabel = "FILE", description = "YAML/JSON map from operationId or"
      + " \"METHOD /path\" to permission names, for operations without x-gatehouse-permissions or OAuth2 scopes.")
  Path permissionsMap;

  @Option(names = "--unmapped", paramLabel = "fail|skip", defaultValue = "fail", description = "Operations without"
      + " permissions: fail (default: refuse the import) or skip (leave them out; the gateway refuses them).")
  String unmapped;

  @Option(names = "--strip-prefix", paramLabel = "PATH", description = "Remove this from each spec path first, when"
      + " the spec's paths include the service's route prefix (e.g. /api).")
  String stripPrefix;

  @Option(names = "--prune", description = "With --apply: also delete the service's activities the spec no longer"
      + " has (without it they are only listed).")
  boolean prune;

  @ArgGroup(exclusive = true)
  Mode mode = new Mode();

  static final class Mode {
    @Option(names = "--apply", description = "Apply the plan (one transaction).")
    boolean apply;

    @Option(names = "--check", description = "Exit 1 when the live activities differ from the spec.")
    boolean check;
  }

  @Override
  public Integer call() {
    OpenApiConverter.Unmapped policy = switch (unmapped) {
      case "fail" -> OpenApiConverter.Unmapped.FAIL;
      case "skip" -> OpenApiConverter.Unmapped.SKIP;
      default -> throw new IllegalArgumentException("--unmapped must be fail or skip, not \"" + unmapped + "\".");
    };
    Map<String, List<String>> map = permissionsMap == null ? Map.of() : PermissionsMap.read(permissionsMap);
    long started = System.nanoTime();
    err().println("Reading " + spec + "...");
    OpenAPI api = SpecSource.read(spec, cli().http(), cli().timeout());
    OpenApiConverter.Result result = OpenApiConverter.convert(api,
        new OpenApiConverter.Options(policy, map, stripPrefix));
    err().println("Converted " + result.activities().size() + " operation(s) to activities in "
        + millis(started) + " ms" + (result.skipped().isEmpty() ? "." : "; skipped:"));
    result.skipped().forEach(note -> err().println("  - " + note));
    ObjectNode body = NODES.objectNode().put("dryRun", !mode.apply).put("prune", mode.apply && prune);
    ArrayNode activities = body.putArray("activities");
    for (ActivityDraft draft : result.activities()) {
      ObjectNode activity = activities.addObject().put("method", draft.method())
          .put("serviceRegex", draft.serviceRegex()).put("description", draft.description())
          .put("shadow", draft.shadow());
      ArrayNode names = activity.putArray("permissions");
      draft.permissions().forEach(names::add);
    }
    err().println((mode.apply ? "Applying" : "Asking the gateway for the plan") + " (" + activities.size()
        + " activities for service " + service + ")...");
    long asked = System.nanoTime();
    JsonNode plan;
    try {
      plan = admin().post("/services/" + AdminClient.segment(service) + "/activities/sync", body);
    } catch (AdminApiException e) {
      if (e.body() != null && e.body().has("unknownPermissions")) {
        throw new AdminApiException(e.status(), e.getMessage() + "\nCreate these permissions in Keycloak first, or"
            + " fix their names in the spec: " + e.body().path("unknownPermissions"), e.body());
      }
      throw e;
    }
    err().println("The gateway answered in " + millis(asked) + " ms.");
    int drift = plan.path("added").size() + plan.path("changed").size() + plan.path("removed").size();
    if (json()) {
      printJson(plan);
    } else {
      printPlan(plan);
    }
    if (mode.check) {
      if (drift > 0) {
        err().println("Drift: the live activities of service " + service + " differ from " + spec + ".");
        return ExitCode.FAILED;
      }
      err().println("No drift: the live activities of service " + service + " match " + spec + ".");
    }
    return ExitCode.OK;
  }

  private void printPlan(JsonNode plan) {
    out().println((mode.apply ? "Applied to" : "Plan for") + " service " + service
        + (mode.apply ? ":" : " (nothing changed; --apply applies it):"));
    for (JsonNode added : plan.path("added")) {
      out().println("  + " + planLine(added));
    }
    for (JsonNode changed : plan.path("changed")) {
      List<String> fields = new ArrayList<>();
      changed.path("changedFields").forEach(field -> fields.add(field.asText()));
      String which = fields.isEmpty() ? "" : "  (changed: " + String.join(", ", fields) + ")";
      if (changed.has("before")) {
        out().println("  ~ " + planLine(changed.path("before")));
        out().println("    -> " + planLine(changed) + which);
      } else {
        out().println("  ~ " + planLine(changed) + which);
      }
    }
    for (JsonNode removed : plan.path("removed")) {
      boolean applied = removed.path("applied").asBoolean(false);
      out().println("  - " + planLine(removed) + (applied ? "" : "  (kept: not in the spec; --apply --prune"
          + " removes it)"));
    }
    out().println(plan.path("added").size() + " added, " + plan.path("changed").size() + " changed, "
        + plan.path("removed").size() + " removed, " + plan.path("unchanged").size() + " unchanged.");
  }

  /** An activity of the plan without its id (added ones have none before they are applied): method, regex, names. */
  private static String planLine(JsonNode activity) {
    ObjectNode withoutId = activity.deepCopy();
    withoutId.remove("id");
    withoutId.remove("service");
    return activityLine(withoutId).strip();
  }

  private static long millis(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
