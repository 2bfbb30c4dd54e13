package dev.gatehouse.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.cli.ExitCode;
import dev.gatehouse.cli.policy.PolicyTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse test TABLE...}: runs policy test tables against the live activities ({@code POST /policy-tests}),
 * prints every failing case with its reason, and exits {@link ExitCode#FAILED} when any failed.
 */
@Command(name = "test", mixinStandardHelpOptions = true, description = "Run policy test tables (YAML or CSV rows of"
    + " who, METHOD, path, expected) against the live activities. Prints each failing case with the reason; exit"
    + " code 1 when any fails.")
public final class TestCommand extends CommandBase implements Callable<Integer> {
  /** The gateway takes at most this many cases per request (PolicyTestsHandler.MAX_CASES). */
  static final int BATCH = 2_000;

  @Parameters(paramLabel = "TABLE", arity = "1..*", description = "A .yaml/.yml or .csv table.")
  List<Path> tables;

  @Override
  public Integer call() {
    List<ObjectNode> cases = new ArrayList<>();
    for (Path table : tables) {
      cases.addAll(PolicyTable.read(table));
    }
    if (cases.isEmpty()) {
      throw new IllegalArgumentException("The table(s) hold no cases.");
    }
    ArrayNode results = NODES.arrayNode();
    for (int from = 0; from < cases.size(); from += BATCH) {
      int to = Math.min(cases.size(), from + BATCH);
      if (cases.size() > BATCH) {
        err().println("Running cases " + (from + 1) + "-" + to + " of " + cases.size() + "...");
      }
      ObjectNode body = NODES.objectNode();
      body.putArray("cases").addAll(cases.subList(from, to));
      try {
        results.addAll((ArrayNode) admin().post("/policy-tests", body).path("cases"));
      } catch (dev.gatehouse.cli.client.AdminApiException e) {
        if (e.status() == 400 && from > 0) {
          // The gateway numbers cases within one request; say where the batch started.
          throw new dev.gatehouse.cli.client.AdminApiException(400, e.getMessage() + " (case numbers count from case "
              + (from + 1) + " of the table)", e.body());
        }
        throw e;
      }
    }
    int failed = 0;
    for (JsonNode result : results) {
      if (!result.path("passed").asBoolean()) {
        failed++;
        if (!json()) {
          out().println("FAIL " + describe(result));
          out().println("     expected " + result.path("expected").asText() + ", got "
              + (result.path("actual").isNull() ? "no decision" : result.path("actual").asText()) + ": "
              + result.path("reason").asText());
        }
      }
    }
    if (json()) {
      ObjectNode report = NODES.objectNode().put("passed", failed == 0).put("total", results.size())
          .put("failed", failed);
      report.set("cases", results);
      printJson(report);
    } else {
      out().println(results.size() + " case(s), " + (results.size() - failed) + " passed, " + failed + " failed.");
    }
    return failed == 0 ? ExitCode.OK : ExitCode.FAILED;
  }

  static String describe(JsonNode result) {
    StringBuilder text = new StringBuilder();
    if (result.hasNonNull("name")) {
      text.append('"').append(result.path("name").asText()).append("\" ");
    }
    JsonNode who = result.path("who");
    String whoText = who.has("permissions") ? "permissions " + permissions(who)
        : who.fieldNames().hasNext() ? who.fieldNames().next() + " " + who.elements().next().asText() : "?";
    return text.append(whoText).append(": ").append(result.path("method").asText()).append(' ')
        .append(result.path("path").asText()).toString();
  }
}
