package dev.gatehouse.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gatehouse.cli.GatehouseCli;
import dev.gatehouse.cli.client.AdminClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every command needs: the global options, the admin client, stdout for results, stderr for progress. */
abstract class CommandBase {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Spec
  CommandSpec spec;

  GatehouseCli cli() {
    return (GatehouseCli) spec.root().userObject();
  }

  AdminClient admin() {
    return cli().admin();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Progress and notes go to stderr, so that stdout stays parseable with --json. */
  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  boolean json() {
    return cli().json();
  }

  void printJson(JsonNode node) {
    cli().printJson(out(), node);
  }

  static String permissions(JsonNode activity) {
    List<String> names = new ArrayList<>();
    activity.path("permissions").forEach(name -> names.add(name.asText()));
    return "[" + String.join(", ", names) + "]";
  }

  /** One activity as a line: id, method, regex, permissions, and the flags that matter. */
  static String activityLine(JsonNode activity) {
    StringBuilder line = new StringBuilder();
    if (activity.hasNonNull("id")) {
      line.append(String.format("%6s  ", activity.path("id").asText()));
    }
    String regex = activity.hasNonNull("urlRegex") ? activity.path("urlRegex").asText()
        : activity.path("serviceRegex").asText();
    line.append(String.format("%-6s %s  %s", activity.path("method").asText(), regex, permissions(activity)));
    if (activity.path("shadow").asBoolean(false)) {
      line.append("  (shadow)");
    }
    if (activity.hasNonNull("service")) {
      line.append("  service ").append(activity.path("service").asText());
    }
    return line.toString();
  }
}
