package dev.gatehouse.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.cli.ExitCode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse explain METHOD PATH --permission ... | --token ... | --role/--user/--client ...}: would the gateway
 * allow it, and because of which activity. A role, user or client goes through one policy test case (the same
 * decision, with Keycloak resolving the permissions).
 */
@Command(name = "explain", mixinStandardHelpOptions = true, description = "Would the gateway allow METHOD PATH for"
    + " these permissions, this token, or this Keycloak role, user or client? And because of which activity?")
public final class ExplainCommand extends CommandBase implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "METHOD", description = "GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS.")
  String method;

  @Parameters(index = "1", paramLabel = "PATH", description = "The request's path, e.g. /api/v1/roles/7")
  String path;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Who who;

  static final class Who {
    @Option(names = {"--permission", "-p"}, paramLabel = "NAME", description = "A permission (repeatable).")
    List<String> permissions;

    @Option(names = "--no-permissions", description = "An empty permission set.")
    boolean none;

    @Option(names = "--access-token", paramLabel = "TOKEN", description = "An access token to explain.")
    String token;

    @Option(names = "--role", paramLabel = "NAME", description = "A Keycloak realm role.")
    String role;

    @Option(names = "--user", paramLabel = "USERNAME", description = "A Keycloak user.")
    String user;

    @Option(names = "--client", paramLabel = "CLIENT_ID", description = "A client's service account.")
    String client;
  }

  @Override
  public Integer call() {
    if (who.role != null || who.user != null || who.client != null) {
      return viaPolicyTest();
    }
    ObjectNode body = NODES.objectNode().put("method", method).put("path", path);
    if (who.token != null) {
      body.put("token", who.token);
    } else {
      ArrayNode names = body.putArray("permissions");
      if (who.permissions != null) {
        who.permissions.forEach(names::add);
      }
    }
    JsonNode answer = admin().post("/explain", body);
    if (json()) {
      printJson(answer);
    } else {
      out().println((answer.path("allowed").asBoolean() ? "ALLOW " : "DENY  ") + method + " "
          + answer.path("normalizedPath").asText(path));
      out().println("  " + answer.path("reason").asText());
      JsonNode shadow = answer.path("shadow");
      if (shadow.isObject()) {
        // What the shadow activities would decide; the gateway answers null when none is loaded.
        out().println("  Shadow: would " + (shadow.path("allowed").asBoolean() ? "ALLOW" : "DENY")
            + (shadow.path("differs").asBoolean() ? " (differs)" : "") + ". " + shadow.path("reason").asText());
      }
    }
    return ExitCode.OK;
  }

  private Integer viaPolicyTest() {
    ObjectNode whoJson = NODES.objectNode();
    if (who.role != null) {
      whoJson.put("role", who.role);
    } else if (who.user != null) {
      whoJson.put("user", who.user);
    } else {
      whoJson.put("client", who.client);
    }
    ObjectNode body = NODES.objectNode();
    body.putArray("cases").addObject().<ObjectNode>set("who", whoJson).put("method", method).put("path", path)
        .put("expected", "deny");
    JsonNode result = admin().post("/policy-tests", body).path("cases").path(0);
    if (json()) {
      printJson(result);
      return ExitCode.OK;
    }
    if (result.path("actual").isNull()) {
      err().println("gatehouse: " + result.path("reason").asText());
      return ExitCode.REFUSED;
    }
    out().println(("allow".equals(result.path("actual").asText()) ? "ALLOW " : "DENY  ") + method + " "
        + result.path("normalizedPath").asText(path));
    out().println("  " + result.path("reason").asText());
    return ExitCode.OK;
  }
}
