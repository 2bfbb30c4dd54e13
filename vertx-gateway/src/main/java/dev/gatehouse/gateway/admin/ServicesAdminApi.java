package dev.gatehouse.gateway.admin;

import static dev.gatehouse.gateway.admin.ActivitiesAdminApi.answer;
import static dev.gatehouse.gateway.admin.ActivitiesAdminApi.bodiless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.ActivityDefinition;
import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.ActivitySyncPlan;
import dev.gatehouse.gateway.policy.ExpectedRevision;
import dev.gatehouse.gateway.policy.InvalidServiceException;
import dev.gatehouse.gateway.policy.Service;
import dev.gatehouse.gateway.policy.ServiceConflictException;
import dev.gatehouse.gateway.policy.ServiceRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Services as data, under the admin mount: CRUD (ETag / If-Match as for activities), a service's activities, and
 * {@code POST /services/{name}/activities/sync}, which plans and (unless a dry run) applies a service's activities in
 * one transaction. Same strictness as the activity endpoints: exact JSON, known fields, clear 400/404/409/412.
 */
final class ServicesAdminApi {
  static final List<String> FIELDS = List.of("name", "routePrefix", "upstreams", "timeoutMillis", "healthCheck",
      "description", "routedBy");
  /** {@code routedBy} as the API shows it: derived from the upstreams, accepted back only when it agrees. */
  static final String ROUTED_BY_CONFIGURATION = "configuration";
  static final String ROUTED_BY_UPSTREAMS = "upstreams";
  private static final List<String> HEALTH_FIELDS = List.of("path", "intervalMillis");
  private static final List<String> SYNC_FIELDS = List.of("activities", "dryRun", "prune");
  /** The same default as a configured route's {@code timeoutMillis}. */
  static final long DEFAULT_TIMEOUT_MILLIS = 30_000;

  private final ActivitiesAdminApi activities;
  private final ServiceRepository services;
  private final Set<String> configuredPrefixes;

  ServicesAdminApi(ActivitiesAdminApi activities, ServiceRepository services, Set<String> configuredPrefixes) {
    this.activities = activities;
    this.services = services;
    this.configuredPrefixes = configuredPrefixes;
  }

  void addTo(Router router, Vertx vertx) {
    router.get("/services").handler(ctx -> answer(ctx, () -> {
      bodiless(ctx);
      return services.list().map(list -> reply -> AdminJson.ok(reply, 200,
          new JsonArray(list.stream().map(AdminJson::toJson).toList())));
    }));
    router.get("/services/:name").handler(ctx -> answer(ctx, () -> {
      bodiless(ctx);
      return services.find(name(ctx)).map(service -> reply -> AdminJson.ok(reply, 200, service));
    }));
    router.post("/services").handler(ctx -> answer(ctx, () -> {
      ActivitiesAdminApi.queryParameters(ctx, List.of());
      Service draft = checked(read(JsonBody.object(ctx), null));
      return services.create(draft).map(created -> reply -> {
        reply.response().putHeader(HttpHeaders.LOCATION, ActivitiesAdminApi.MOUNT + "/services/" + created.name());
        AdminJson.ok(reply, 201, created);
      });
    }));
    router.put("/services/:name").handler(ctx -> answer(ctx, () -> {
      ActivitiesAdminApi.queryParameters(ctx, List.of());
      String name = name(ctx);
      List<String> ifMatch = ctx.request().headers().getAll(HttpHeaders.IF_MATCH);
      if (ifMatch.isEmpty()) {
        throw new AdminRequestException(428, "precondition_required", "A PUT replaces the whole service, so it must"
            + " say which version it replaces: send If-Match with the ETag from GET " + ActivitiesAdminApi.MOUNT
            + "/services/" + name + " (If-Match: * replaces whatever is stored).");
      }
      ExpectedRevision expected = EntityTags.ifMatch(ifMatch, false);
      Service draft = checked(read(JsonBody.object(ctx), name));
      return services.update(name, draft, expected).map(updated -> reply -> AdminJson.ok(reply, 200, updated));
    }));
    router.delete("/services/:name").handler(ctx -> answer(ctx, () -> {
      bodiless(ctx);
      return services.delete(name(ctx), ActivitiesAdminApi.ifMatch(ctx))
          .map(deleted -> reply -> reply.response().setStatusCode(204).end());
    }));
    router.get("/services/:name/activities").handler(ctx -> answer(ctx, () -> {
      bodiless(ctx);
      return services.activities(name(ctx)).map(list -> reply -> AdminJson.ok(reply, 200,
          new JsonArray(list.stream().map(AdminJson::toJson).toList())));
    }));
    router.post("/services/:name/activities/sync").handler(ctx -> answer(ctx, () -> {
      boolean allowUnknown = ActivitiesAdminApi.allowUnknownPermissions(ctx);
      String name = name(ctx);
      ObjectNode body = JsonBody.object(ctx);
      JsonFields.requireKnown(body, SYNC_FIELDS, "A sync request");
      boolean dryRun = Boolean.TRUE.equals(JsonFields.bool(body, "dryRun", "true to only plan"));
      boolean prune = Boolean.TRUE.equals(JsonFields.bool(body, "prune", "true to delete the service's activities"
          + " that are not in the list"));
      List<ActivityBody.Draft> drafts = syncEntries(body, name);
      return sync(name, drafts, prune, dryRun, allowUnknown)
          .map(outcome -> reply -> AdminJson.ok(reply, 200, syncResult(name, outcome, prune, dryRun)));
    }));
    new OpenApiImport(this::sync, vertx).addTo(router);
  }

  /**
   * The one plan-and-apply path of a service's activities, for the sync and the OpenAPI import alike: each draft
   * resolved against the service and validated, every permission known to Keycloak, then planned (and unless a dry
   * run, applied) in one transaction.
   */
  Future<ActivityStore.SyncOutcome> sync(String name, List<ActivityBody.Draft> drafts, boolean prune, boolean dryRun,
      boolean allowUnknown) {
    return services.find(name).compose(owner -> {
      List<ActivityDefinition> wanted = new ArrayList<>();
      Set<String> permissions = new LinkedHashSet<>();
      for (ActivityBody.Draft draft : drafts) {
        ActivityDefinition definition = activities.validated(draft.resolve(owner, name, false));
        wanted.add(definition);
        permissions.addAll(definition.permissions());
      }
      return activities.known(permissions, allowUnknown)
          .compose(checked -> services.sync(name, wanted, prune, dryRun));
    });
  }

  private static List<ActivityBody.Draft> syncEntries(ObjectNode body, String service) {
    JsonNode list = body.get("activities");
    if (list == null || !list.isArray()) {
      throw AdminRequestException.badRequest("\"activities\" must be a list of activities (method, urlRegex or"
          + " serviceRegex, description, permissions, shadow), not " + JsonBody.kind(list) + "; send [] to plan"
          + " the removal of all of them.");
    }
    List<ActivityBody.Draft> drafts = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof ObjectNode entry)) {
        throw AdminRequestException.badRequest("\"activities\"[" + i + "] is " + JsonBody.kind(list.get(i))
            + "; each entry is an activity object.");
      }
      drafts.add(ActivityBody.forSync(entry, service, i));
    }
    return drafts;
  }

  static JsonObject syncResult(String service, ActivityStore.SyncOutcome outcome, boolean prune, boolean dryRun) {
    ActivitySyncPlan plan = outcome.plan();
    Map<ActivitySyncPlan.Key, Activity> stored = new HashMap<>();
    outcome.stored().forEach(activity -> stored.put(new ActivitySyncPlan.Key(activity.method(), activity.urlRegex()),
        activity));
    JsonArray added = new JsonArray();
    for (ActivityDefinition definition : plan.added()) {
      Activity now = outcome.applied() ? stored.get(new ActivitySyncPlan.Key(definition.method(),
          definition.urlRegex())) : null;
      added.add(now != null ? AdminJson.toJson(now) : toJson(definition));
    }
    JsonArray changed = new JsonArray();
    for (ActivitySyncPlan.Change change : plan.changed()) {
      Activity now = outcome.applied() ? stored.get(new ActivitySyncPlan.Key(change.before().method(),
          change.before().urlRegex())) : null;
      changed.add((now != null ? AdminJson.toJson(now) : toJson(change.after()).put("id", change.before().id()))
          .put("changedFields", new JsonArray(change.fields()))
          .put("before", AdminJson.toJson(change.before())));
    }
    JsonArray removed = new JsonArray();
    plan.removed().forEach(activity -> removed.add(AdminJson.toJson(activity)
        .put("applied", outcome.applied() && prune)));
    JsonArray unchanged = new JsonArray();
    plan.unchanged().forEach(activity -> unchanged.add(AdminJson.toJson(activity)));
    return new JsonObject().put("service", service).put("dryRun", dryRun).put("prune", prune)
        .put("applied", outcome.applied())
        .put("added", added).put("changed", changed).put("removed", removed).put("unchanged", unchanged);
  }

  private static JsonObject toJson(ActivityDefinition definition) {
    return new JsonObject().put("method", definition.method()).put("urlRegex", definition.urlRegex())
        .put("description", definition.description())
        .put("permissions", new JsonArray(definition.permissions().stream().sorted().toList()))
        .put("service", definition.service()).put("shadow", definition.shadow());
  }

  /**
   * The service rules, plus the routing rules against this gateway's configured routes: upstreams on a configured
   * route's prefix are refused (409), and so is a service without upstreams that no configured route covers (400).
   */
  private Service checked(Service draft) {
    ServiceRules.validate(draft);
    try {
      ServiceRules.validateRouting(draft, configuredPrefixes);
    } catch (ServiceConflictException | InvalidServiceException e) {
      String message = e.getMessage() + " Nothing was stored.";
      throw e instanceof ServiceConflictException ? new ServiceConflictException(message)
          : new InvalidServiceException(message);
    }
    return draft;
  }

  /** {@code pathName}: the name in the path on PUT (the body may repeat it), null on POST (the body must name it). */
  static Service read(ObjectNode body, String pathName) {
    JsonFields.requireKnown(body, FIELDS, "A service");
    boolean replacing = pathName != null;
    String name = JsonFields.string(body, "name", !replacing, "the service's name, such as \"billing\" (a-z, 0-9,"
        + " '-')");
    if (replacing && name != null && !name.equals(pathName)) {
      throw AdminRequestException.badRequest("\"name\" in the body (" + JsonBody.shorten(name) + ") is not the name"
          + " in the path (" + pathName + "); services cannot be renamed: leave it out or send the same name.");
    }
    String prefix = JsonFields.string(body, "routePrefix", true, "the path prefix routed to the service, such as"
        + " \"/billing\"");
    List<URI> upstreams = upstreams(body.get("upstreams"));
    long timeout = whole(body, "timeoutMillis", replacing, DEFAULT_TIMEOUT_MILLIS,
        "how long the upstream may stay silent before the gateway answers 504, in ms (" + ServiceRules.MIN_TIMEOUT_MILLIS
            + " to " + ServiceRules.MAX_TIMEOUT_MILLIS + ")");
    Service.HealthCheck check = healthCheck(body.get("healthCheck"));
    String description = JsonFields.string(body, "description", replacing, "a text for people (\"\" for none)"
        + (replacing ? "; a PUT replaces the whole service" : ""));
    String routedBy = JsonFields.string(body, "routedBy", false, "\"" + ROUTED_BY_UPSTREAMS + "\" or \""
        + ROUTED_BY_CONFIGURATION + "\" (shown by GET; it follows from \"upstreams\")");
    if (routedBy != null && !routedBy.equals(routedBy(upstreams.isEmpty()))) {
      throw AdminRequestException.badRequest("\"routedBy\" is " + JsonBody.shorten(routedBy) + ", but it follows"
          + " from \"upstreams\": \"" + ROUTED_BY_CONFIGURATION + "\" for [] (a configured route carries the"
          + " traffic), \"" + ROUTED_BY_UPSTREAMS + "\" otherwise. Leave it out, or change \"upstreams\".");
    }
    return new Service(replacing ? pathName : name, prefix, upstreams, timeout, check, description, 0);
  }

  static String routedBy(boolean byConfiguration) {
    return byConfiguration ? ROUTED_BY_CONFIGURATION : ROUTED_BY_UPSTREAMS;
  }

  private static List<URI> upstreams(JsonNode value) {
    if (value == null || !value.isArray()) {
      throw AdminRequestException.badRequest("\"upstreams\" must be a list of upstream URLs such as"
          + " [\"http://billing-1:8080\"] ([] to let a configured route carry the traffic), not "
          + JsonBody.kind(value) + ".");
    }
    List<URI> upstreams = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      if (!value.get(i).isTextual()) {
        throw AdminRequestException.badRequest("\"upstreams\"[" + i + "] is " + JsonBody.kind(value.get(i))
            + "; upstream URLs are strings such as \"http://billing-1:8080\".");
      }
      try {
        upstreams.add(ServiceRules.parseUpstream(value.get(i).textValue()));
      } catch (InvalidServiceException e) {
        throw AdminRequestException.badRequest("\"upstreams\"[" + i + "]: " + e.getMessage());
      }
    }
    return upstreams;
  }

  private static Service.HealthCheck healthCheck(JsonNode value) {
    if (value == null || value.isNull()) {
      return null; // none; null as well, so that a GET answer can be sent back with PUT as it is
    }
    if (!(value instanceof ObjectNode check)) {
      throw AdminRequestException.badRequest("\"healthCheck\" must be an object such as {\"path\": \"/health\","
          + " \"intervalMillis\": 5000} (leave it out for none), not " + JsonBody.kind(value) + ".");
    }
    JsonFields.requireKnown(check, HEALTH_FIELDS, "A health check");
    String path = JsonFields.string(check, "path", true, "the path each upstream answers 2xx on, such as"
        + " \"/health\"");
    long interval = whole(check, "intervalMillis", true, 0, "how often to check, in ms ("
        + ServiceRules.MIN_HEALTH_INTERVAL_MILLIS + " to " + ServiceRules.MAX_HEALTH_INTERVAL_MILLIS + ")");
    return new Service.HealthCheck(path, interval);
  }

  private static long whole(ObjectNode body, String field, boolean required, long fallback, String expected) {
    JsonNode value = body.get(field);
    if (value == null) {
      if (required) {
        throw AdminRequestException.badRequest("\"" + field + "\" is missing: " + expected + ".");
      }
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw AdminRequestException.badRequest("\"" + field + "\" must be a whole number, not "
          + JsonBody.shorten(value.toString()) + ": " + expected + ".");
    }
    return value.longValue();
  }

  static String name(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    try {
      ServiceRules.validateName(name);
    } catch (InvalidServiceException e) {
      throw AdminRequestException.badRequest(e.getMessage());
    }
    return name;
  }
}
