package dev.gatehouse.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.cli.ExitCode;
import dev.gatehouse.cli.client.AdminClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse services ...}: the services endpoints of the admin API (control-plane contract, issue #15). */
@Command(name = "services", mixinStandardHelpOptions = true, description = "List, show, create and delete services"
    + " (route prefix to upstreams), stored in the gateway's database and live on every gateway.",
    subcommands = {ServicesCommand.ListServices.class, ServicesCommand.Show.class, ServicesCommand.Create.class,
        ServicesCommand.Delete.class})
public final class ServicesCommand {

  static String serviceLine(JsonNode service) {
    List<String> upstreams = new ArrayList<>();
    service.path("upstreams").forEach(upstream -> upstreams.add(upstream.asText()));
    return String.format("%-24s %-24s -> %s", service.path("name").asText(), service.path("routePrefix").asText(
        service.path("route_prefix").asText("")), String.join(", ", upstreams));
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the stored services.")
  static final class ListServices extends CommandBase implements Callable<Integer> {
    @Override
    public Integer call() {
      JsonNode list = admin().get("/services");
      if (json()) {
        printJson(list);
      } else {
        list.forEach(service -> out().println(serviceLine(service)));
        err().println(list.size() + " service(s).");
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a service and its activities.")
  static final class Show extends CommandBase implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      JsonNode service = admin().get("/services/" + AdminClient.segment(name));
      JsonNode activities = admin().get("/services/" + AdminClient.segment(name) + "/activities");
      if (json()) {
        ObjectNode both = service.isObject() ? ((ObjectNode) service).deepCopy() : NODES.objectNode();
        both.set("activities", activities);
        printJson(both);
      } else {
        out().println(serviceLine(service));
        activities.forEach(activity -> out().println("  " + activityLine(activity)));
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Store a new service.")
  static final class Create extends CommandBase implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "Lower-case letters, digits and '-'.")
    String name;

    @Option(names = "--prefix", required = true, paramLabel = "PATH", description = "Route prefix, e.g. /skills.")
    String prefix;

    @Option(names = "--upstream", required = true, paramLabel = "URL", description = "Upstream URL (repeatable).")
    List<String> upstreams;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Upstream timeout.")
    Long timeoutMs;

    @Override
    public Integer call() {
      ObjectNode body = NODES.objectNode().put("name", name).put("routePrefix", prefix);
      ArrayNode list = body.putArray("upstreams");
      upstreams.forEach(list::add);
      if (timeoutMs != null) {
        body.put("timeoutMillis", timeoutMs);
      }
      JsonNode created = admin().post("/services", body);
      if (json()) {
        printJson(created);
      } else {
        out().println("Created " + serviceLine(created));
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a service (refused while"
      + " activities belong to it).")
  static final class Delete extends CommandBase implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      admin().delete("/services/" + AdminClient.segment(name));
      if (!json()) {
        out().println("Deleted service " + name + ".");
      }
      return ExitCode.OK;
    }
  }
}
