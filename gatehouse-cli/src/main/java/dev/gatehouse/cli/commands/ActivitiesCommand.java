package dev.gatehouse.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.cli.ExitCode;
import dev.gatehouse.cli.client.AdminClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse activities ...}: the activity endpoints of the admin API. */
@Command(name = "activities", mixinStandardHelpOptions = true, description = "List, show, create and delete"
    + " activities, link and unlink permissions, promote shadow activities.",
    subcommands = {ActivitiesCommand.ListActivities.class, ActivitiesCommand.Show.class,
        ActivitiesCommand.Create.class, ActivitiesCommand.Delete.class, ActivitiesCommand.Link.class,
        ActivitiesCommand.Unlink.class, ActivitiesCommand.Promote.class})
public final class ActivitiesCommand {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List every activity (or a service's).")
  static final class ListActivities extends CommandBase implements Callable<Integer> {
    @Option(names = "--service", paramLabel = "NAME", description = "Only this service's activities.")
    String service;

    @Override
    public Integer call() {
      JsonNode list = admin().get(service == null ? "/activities"
          : "/services/" + AdminClient.segment(service) + "/activities");
      if (json()) {
        printJson(list);
      } else {
        list.forEach(activity -> out().println(activityLine(activity)));
        err().println(list.size() + " activit" + (list.size() == 1 ? "y" : "ies") + ".");
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one activity.")
  static final class Show extends CommandBase implements Callable<Integer> {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    public Integer call() {
      JsonNode activity = admin().get("/activities/" + id);
      if (json()) {
        printJson(activity);
      } else {
        out().println(activityLine(activity));
        if (activity.hasNonNull("description")) {
          out().println("        " + activity.path("description").asText());
        }
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an activity.")
  static final class Create extends CommandBase implements Callable<Integer> {
    @Option(names = "--method", required = true, description = "GET, POST, PUT, PATCH or DELETE.")
    String method;

    @Option(names = "--regex", paramLabel = "REGEX", description = "The whole-path regex, e.g. /api/v1/roles/[^/]+")
    String urlRegex;

    @Option(names = "--service", paramLabel = "NAME", description = "The service it belongs to.")
    String service;

    @Option(names = "--service-regex", paramLabel = "REGEX",
        description = "The regex relative to the service's route prefix (with --service), instead of --regex.")
    String serviceRegex;

    @Option(names = {"--permission", "-p"}, paramLabel = "NAME", description = "A permission that allows it"
        + " (repeat for several).")
    List<String> permissions = List.of();

    @Option(names = "--description", paramLabel = "TEXT")
    String description;

    @Option(names = "--shadow", description = "Evaluated and measured, not enforced (promote it later).")
    boolean shadow;

    @Override
    public Integer call() {
      if ((urlRegex == null) == (serviceRegex == null)) {
        throw new IllegalArgumentException("Give exactly one of --regex and --service-regex.");
      }
      if (serviceRegex != null && service == null) {
        throw new IllegalArgumentException("--service-regex is relative to a service's prefix: give --service too.");
      }
      ObjectNode body = NODES.objectNode().put("method", method);
      if (urlRegex != null) {
        body.put("urlRegex", urlRegex);
      } else {
        body.put("serviceRegex", serviceRegex);
      }
      if (service != null) {
        body.put("service", service);
      }
      if (description != null) {
        body.put("description", description);
      }
      if (shadow) {
        body.put("shadow", true);
      }
      ArrayNode names = body.putArray("permissions");
      permissions.forEach(names::add);
      JsonNode created = admin().post("/activities", body);
      if (json()) {
        printJson(created);
      } else {
        out().println("Created " + activityLine(created).strip());
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an activity.")
  static final class Delete extends CommandBase implements Callable<Integer> {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    public Integer call() {
      admin().delete("/activities/" + id);
      if (!json()) {
        out().println("Deleted activity " + id + ".");
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "link", mixinStandardHelpOptions = true, description = "Link a permission to an activity.")
  static final class Link extends CommandBase implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID")
    long id;

    @Parameters(index = "1", paramLabel = "PERMISSION")
    String permission;

    @Override
    public Integer call() {
      JsonNode linked = admin().put("/activities/" + id + "/permissions/" + AdminClient.segment(permission), null,
          null);
      if (json()) {
        printJson(linked);
      } else {
        out().println(activityLine(linked));
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "unlink", mixinStandardHelpOptions = true, description = "Unlink a permission from an activity.")
  static final class Unlink extends CommandBase implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID")
    long id;

    @Parameters(index = "1", paramLabel = "PERMISSION")
    String permission;

    @Override
    public Integer call() {
      JsonNode unlinked = admin().delete("/activities/" + id + "/permissions/" + AdminClient.segment(permission));
      if (json()) {
        printJson(unlinked);
      } else {
        out().println(activityLine(unlinked));
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true, description = "Make a shadow activity enforced.")
  static final class Promote extends CommandBase implements Callable<Integer> {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    public Integer call() {
      JsonNode promoted = admin().post("/activities/" + id + "/promote", null);
      if (json()) {
        printJson(promoted);
      } else {
        out().println("Promoted " + activityLine(promoted).strip());
      }
      return ExitCode.OK;
    }
  }
}
