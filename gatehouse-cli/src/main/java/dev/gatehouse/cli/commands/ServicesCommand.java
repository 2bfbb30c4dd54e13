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
@Command(name = "services", mixinStandardHelpOptions = true, description = "List, show, create, update and delete"
    + " services (route prefix to upstreams), stored in the gateway's database and live on every gateway.",
    subcommands = {ServicesCommand.ListServices.class, ServicesCommand.Show.class, ServicesCommand.Create.class,
        ServicesCommand.Update.class, ServicesCommand.Delete.class})
public final class ServicesCommand {

  static String serviceLine(JsonNode service) {
    List<String> upstreams = new ArrayList<>();
    service.path("upstreams").forEach(upstream -> upstreams.add(upstream.asText()));
    // No upstreams: a route in the gateway's configuration carries the service's traffic.
    String target = upstreams.isEmpty() && "configuration".equals(service.path("routedBy").asText())
        ? "(routed by configuration)" : String.join(", ", upstreams);
    return String.format("%-24s %-24s -> %s", service.path("name").asText(), service.path("routePrefix").asText(
        service.path("route_prefix").asText("")), target);
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
        JsonNode check = service.path("healthCheck");
        out().println("  timeout " + service.path("timeoutMillis").asText("?") + " ms; " + (check.isObject()
            ? "health check GET " + check.path("path").asText() + " every " + check.path("intervalMillis").asText()
                + " ms" : "no health check")
            + (service.path("description").asText("").isEmpty() ? "" : "; " + service.path("description").asText()));
        out().println("  " + activities.size() + " activit" + (activities.size() == 1 ? "y" : "ies") + ":");
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

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Upstream timeout (the gateway's default:"
        + " 30000).")
    Long timeoutMs;

    @Option(names = "--health-path", paramLabel = "PATH", description = "Health check: each gateway sends GET PATH"
        + " to every upstream and keeps only those answering 2xx in the rotation, e.g. /health.")
    String healthPath;

    @Option(names = "--health-interval-ms", paramLabel = "MS", defaultValue = "5000", description = "How often to"
        + " check, with --health-path (default ${DEFAULT-VALUE}).")
    long healthIntervalMs;

    @Option(names = "--description", paramLabel = "TEXT", description = "For people.")
    String description;

    @Override
    public Integer call() {
      ObjectNode body = NODES.objectNode().put("name", name).put("routePrefix", prefix);
      ArrayNode list = body.putArray("upstreams");
      upstreams.forEach(list::add);
      if (timeoutMs != null) {
        body.put("timeoutMillis", timeoutMs);
      }
      if (healthPath != null) {
        body.putObject("healthCheck").put("path", healthPath).put("intervalMillis", healthIntervalMs);
      }
      if (description != null) {
        body.put("description", description);
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

  @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a stored service: only the"
      + " options given change. Reads it, then replaces it with If-Match, so a change made meanwhile by someone else"
      + " is refused (exit 3), never overwritten.")
  static final class Update extends CommandBase implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--prefix", paramLabel = "PATH", description = "New route prefix.")
    String prefix;

    @Option(names = "--upstream", paramLabel = "URL", description = "The upstream URLs (repeatable; replaces the"
        + " list).")
    List<String> upstreams;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Upstream timeout.")
    Long timeoutMs;

    @Option(names = "--health-path", paramLabel = "PATH", description = "Health check path (adds or changes it).")
    String healthPath;

    @Option(names = "--health-interval-ms", paramLabel = "MS", description = "Health check interval (default: the"
        + " current one, else 5000).")
    Long healthIntervalMs;

    @Option(names = "--no-health-check", description = "Remove the health check.")
    boolean noHealthCheck;

    @Option(names = "--description", paramLabel = "TEXT", description = "For people.")
    String description;

    @Override
    public Integer call() {
      if (noHealthCheck && (healthPath != null || healthIntervalMs != null)) {
        throw new IllegalArgumentException("--no-health-check cannot go with --health-path or --health-interval-ms.");
      }
      String path = "/services/" + AdminClient.segment(name);
      AdminClient.Tagged current = admin().getTagged(path);
      if (current.etag() == null) {
        throw new IllegalArgumentException("The gateway answered service " + name + " without an ETag, so an update"
            + " could overwrite a change made meanwhile; nothing was changed.");
      }
      ObjectNode body = ((ObjectNode) current.body()).deepCopy();
      body.remove("name");
      if (prefix != null) {
        body.put("routePrefix", prefix);
      }
      if (upstreams != null) {
        ArrayNode list = body.putArray("upstreams");
        upstreams.forEach(list::add);
      }
      if (timeoutMs != null) {
        body.put("timeoutMillis", timeoutMs);
      }
      if (noHealthCheck) {
        body.putNull("healthCheck");
      } else if (healthPath != null || healthIntervalMs != null) {
        JsonNode check = body.path("healthCheck");
        String checkPath = healthPath != null ? healthPath : check.path("path").asText(null);
        if (checkPath == null) {
          throw new IllegalArgumentException("Service " + name + " has no health check yet: give --health-path too.");
        }
        long interval = healthIntervalMs != null ? healthIntervalMs : check.path("intervalMillis").asLong(5000);
        body.putObject("healthCheck").put("path", checkPath).put("intervalMillis", interval);
      }
      if (description != null) {
        body.put("description", description);
      }
      JsonNode updated = admin().put(path, body, current.etag());
      if (json()) {
        printJson(updated);
      } else {
        out().println("Updated " + serviceLine(updated));
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
