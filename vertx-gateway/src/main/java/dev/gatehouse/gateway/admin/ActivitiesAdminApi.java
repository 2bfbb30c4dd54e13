package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.reply.ErrorReply;
import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.ActivityDefinition;
import dev.gatehouse.gateway.policy.ActivityPatterns;
import dev.gatehouse.gateway.policy.ExpectedRevision;
import dev.gatehouse.gateway.policy.InvalidActivityException;
import dev.gatehouse.gateway.policy.Service;
import dev.gatehouse.gateway.policy.ServiceRules;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * CRUD over activities, mounted under {@value #MOUNT}. It adds no access check of its own: the gateway's access
 * gate already decided the request against the activity index (the seed links these routes to
 * {@code manage-activities}), so with no allowing activity it is refused with 403 like any other route.
 *
 * <p>Input is taken exactly as sent or refused, and a refused request changes nothing: bodies are strict JSON
 * ({@link JsonBody}), methods are not trimmed or case-folded, unknown fields and query parameters are errors, and
 * permission names must exist in Keycloak unless {@value #ALLOW_UNKNOWN_PERMISSIONS}{@code =true} says otherwise.
 * Every activity answer carries an {@code ETag}; {@code PUT} requires {@code If-Match}, and {@code DELETE} and the
 * permission links honour it.
 */
public final class ActivitiesAdminApi {
  public static final String MOUNT = "/gatehouse/admin";
  /** The query parameter that stores permission names without asking Keycloak whether they exist. */
  public static final String ALLOW_UNKNOWN_PERMISSIONS = "allowUnknownPermissions";

  private static final List<String> NO_PARAMETERS = List.of();
  private static final List<String> WRITE_PARAMETERS = List.of(ALLOW_UNKNOWN_PERMISSIONS);

  private final ActivityRepository repository;
  private final BiConsumer<String, String> patternRules;
  private final int maxBodyBytes;
  private final ExplainHandler explain;
  private final PermissionCatalog permissions;
  /** {@code GET /decisions}, when the gateway has the decision audit trail; else null. */
  private DecisionsAdminApi decisions;
  /** The robot-user endpoints, when the gateway reaches Keycloak with a service account; else null. */
  private RobotsAdminApi robots;
  /** Null when this gateway keeps no services (tests of the activity endpoints alone). */
  private ServiceRepository services;
  private Set<String> configuredPrefixes = Set.of();

  /**
   * @param patternRules {@code ActivityPatterns::validate} in production: rejects bad regexes before they are stored
   * @param permissions  which permission names exist (Keycloak in production)
   */
  public ActivitiesAdminApi(ActivityRepository repository, BiConsumer<String, String> patternRules, int maxBodyBytes,
      ExplainHandler explain, PermissionCatalog permissions) {
    this.repository = repository;
    this.patternRules = patternRules;
    this.maxBodyBytes = maxBodyBytes;
    this.explain = explain;
    this.permissions = permissions;
  }

  /** Which permissions exist in Keycloak (and which roles carry them), as this API checks names against. */
  public PermissionCatalog permissionCatalog() {
    return permissions;
  }

  /** Also serves the robot-user endpoints under this mount ({@link RobotsAdminApi}). */
  public ActivitiesAdminApi withRobots(RobotsAdminApi robots) {
    this.robots = robots;
    return this;
  }

  /** Also serves the decision search under this mount (same access rule: an activity must allow it). */
  public ActivitiesAdminApi withDecisions(DecisionsAdminApi decisions) {
    this.decisions = decisions;
    return this;
  }

  /**
   * Adds the services endpoints ({@link ServicesAdminApi}) and lets activities name a service. {@code
   * configuredPrefixes}: the configured routes' prefixes, which a stored service may not take.
   */
  public ActivitiesAdminApi withServices(ServiceRepository services, Set<String> configuredPrefixes) {
    this.services = services;
    this.configuredPrefixes = Set.copyOf(configuredPrefixes);
    return this;
  }

  /** The sub-router to mount at {@value #MOUNT}; paths below are relative to it. */
  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    router.get("/activities").handler(ctx -> answer(ctx, () -> {
      bodiless(ctx);
      return repository.list().map(list -> reply -> AdminJson.ok(reply, 200,
          new JsonArray(list.stream().map(AdminJson::toJson).toList())));
    }));
    router.get("/activities/:id").handler(ctx -> answer(ctx, () -> {
      bodiless(ctx);
      return repository.find(id(ctx)).map(activity -> reply -> AdminJson.ok(reply, 200, activity));
    }));
    router.post("/activities").handler(ctx -> answer(ctx, () -> {
      boolean allowUnknown = allowUnknownPermissions(ctx);
      ActivityBody.Draft sent = ActivityBody.forCreate(JsonBody.object(ctx));
      return owner(sent)
          .map(owner -> validated(sent.resolve(owner, null, false)))
          .compose(draft -> known(draft.permissions(), allowUnknown).compose(checked -> repository.create(draft)))
          .map(created -> reply -> {
            reply.response().putHeader(HttpHeaders.LOCATION, MOUNT + "/activities/" + created.id());
            AdminJson.ok(reply, 201, created);
          });
    }));
    router.put("/activities/:id").handler(ctx -> answer(ctx, () -> {
      long id = id(ctx);
      boolean allowUnknown = allowUnknownPermissions(ctx);
      ExpectedRevision expected = EntityTags.ifMatch(ctx.request().headers().getAll(HttpHeaders.IF_MATCH), true);
      ActivityBody.Draft sent = ActivityBody.forReplace(JsonBody.object(ctx), id);
      // Left-out "service" and "shadow" keep what is stored: read it first (If-Match still guards the write).
      Future<Activity> stored = sent.service() != null && sent.shadow() != null ? Future.succeededFuture(null)
          : repository.find(id);
      return stored.compose(current -> owner(sent).map(owner -> validated(sent.resolve(owner,
              current == null ? null : current.service(), current != null && current.shadow()))))
          .compose(draft -> known(draft.permissions(), allowUnknown)
              .compose(checked -> repository.update(id, draft, expected)))
          .map(updated -> reply -> AdminJson.ok(reply, 200, updated));
    }));
    router.delete("/activities/:id").handler(ctx -> answer(ctx, () -> {
      bodiless(ctx);
      long id = id(ctx);
      return repository.delete(id, ifMatch(ctx)).map(deleted -> reply -> reply.response().setStatusCode(204).end());
    }));
    // A shadow activity becomes enforced in one call (If-Match optional, as for the permission links).
    router.post("/activities/:id/promote").handler(ctx -> answer(ctx, () -> {
      bodiless(ctx);
      long id = id(ctx);
      return repository.promote(id, ifMatch(ctx)).map(promoted -> reply -> AdminJson.ok(reply, 200, promoted));
    }));
    router.put("/activities/:id/permissions/:permission").handler(ctx -> answer(ctx, () -> {
      long id = id(ctx);
      boolean allowUnknown = allowUnknownPermissions(ctx);
      JsonBody.requireNone(ctx);
      String permission = permission(ctx);
      ExpectedRevision expected = ifMatch(ctx);
      return known(Set.of(permission), allowUnknown)
          .compose(checked -> repository.linkPermission(id, permission, expected))
          .map(linked -> reply -> AdminJson.ok(reply, 200, linked));
    }));
    // Unlinking needs no check against Keycloak: removing a name that no longer exists must always be possible.
    router.delete("/activities/:id/permissions/:permission").handler(ctx -> answer(ctx, () -> {
      bodiless(ctx);
      long id = id(ctx);
      String permission = permission(ctx);
      return repository.unlinkPermission(id, permission, ifMatch(ctx))
          .map(unlinked -> reply -> AdminJson.ok(reply, 200, unlinked));
    }));
    router.post("/explain").handler(ctx -> {
      try {
        queryParameters(ctx, NO_PARAMETERS);
      } catch (AdminRequestException e) {
        AdminJson.fail(ctx, e);
        return;
      }
      explain.handle(ctx);
    });
    if (services != null) {
      new ServicesAdminApi(this, services, configuredPrefixes).addTo(router, vertx);
    }
    PolicyTestsHandler policyTests = new PolicyTestsHandler(explain, permissions);
    router.post("/policy-tests").handler(ctx -> {
      try {
        queryParameters(ctx, NO_PARAMETERS);
      } catch (AdminRequestException e) {
        AdminJson.fail(ctx, e);
        return;
      }
      policyTests.handle(ctx);
    });
    if (decisions != null) {
      decisions.mount(router);
    }
    if (robots != null) {
      robots.addTo(router);
    }
    router.route().last().handler(ctx -> ErrorReply.notFound(ctx.request(), "No admin endpoint at "
        + ctx.request().method() + " " + ctx.normalizedPath() + "."));
    return router;
  }

  /** The service a relative {@code serviceRegex} hangs off (null when the regex is whole). */
  Future<Service> owner(ActivityBody.Draft draft) {
    String name = draft.prefixService();
    if (name == null) {
      return Future.succeededFuture(null);
    }
    if (services == null) {
      return Future.failedFuture(AdminRequestException.badRequest("This gateway keeps no services, so"
          + " \"serviceRegex\" cannot be resolved; send the whole-path regex as \"urlRegex\"."));
    }
    return services.find(name);
  }

  /** How a successful result is written. */
  interface Reply {
    void write(RoutingContext ctx);
  }

  /**
   * Runs one endpoint: input problems thrown while reading the request and failures of the returned Future are both
   * answered by {@link AdminJson#fail}, so each endpoint reads as the happy path.
   */
  static void answer(RoutingContext ctx, Supplier<Future<Reply>> endpoint) {
    Future<Reply> result;
    try {
      result = endpoint.get();
    } catch (RuntimeException e) {
      AdminJson.fail(ctx, e);
      return;
    }
    result.onSuccess(reply -> reply.write(ctx)).onFailure(e -> AdminJson.fail(ctx, e));
  }

  /** GET, DELETE, unlink: no query parameters, no body. */
  static void bodiless(RoutingContext ctx) {
    queryParameters(ctx, NO_PARAMETERS);
    JsonBody.requireNone(ctx);
  }

  static boolean allowUnknownPermissions(RoutingContext ctx) {
    MultiMap parameters = queryParameters(ctx, WRITE_PARAMETERS);
    List<String> values = parameters.getAll(ALLOW_UNKNOWN_PERMISSIONS);
    if (values.isEmpty()) {
      return false;
    }
    if (values.size() > 1 || !(values.get(0).equals("true") || values.get(0).equals("false"))) {
      throw AdminRequestException.badRequest("Send " + ALLOW_UNKNOWN_PERMISSIONS + " once, as true or false.");
    }
    return values.get(0).equals("true");
  }

  /** The query parameters, when each is one this endpoint takes. */
  static MultiMap queryParameters(RoutingContext ctx, List<String> accepted) {
    MultiMap parameters;
    try {
      parameters = ctx.queryParams();
    } catch (RuntimeException e) {
      throw AdminRequestException.badRequest("The query string cannot be decoded; check its percent-escapes.");
    }
    for (String name : parameters.names()) {
      if (!accepted.contains(name)) {
        throw AdminRequestException.badRequest("Unknown query parameter \"" + JsonBody.shorten(name) + "\"; this"
            + " endpoint takes " + (accepted.isEmpty() ? "none" : String.join(", ", accepted)) + ".");
      }
    }
    return parameters;
  }

  private static long id(RoutingContext ctx) {
    String raw = ctx.pathParam("id");
    if (raw == null || !raw.matches("[1-9][0-9]{0,17}")) {
      throw AdminRequestException.badRequest("Activity ids are whole numbers such as 42 (no sign, no leading zeros),"
          + " got \"" + JsonBody.shorten(String.valueOf(raw)) + "\".");
    }
    return Long.parseLong(raw);
  }

  private static String permission(RoutingContext ctx) {
    String permission = ctx.pathParam("permission");
    try {
      ActivityPatterns.validatePermission(permission);
    } catch (InvalidActivityException e) {
      throw AdminRequestException.badRequest(e.getMessage());
    }
    return permission;
  }

  static ExpectedRevision ifMatch(RoutingContext ctx) {
    return EntityTags.ifMatch(ctx.request().headers().getAll(HttpHeaders.IF_MATCH), false);
  }

  /** Applies every activity rule before anything is stored or Keycloak is asked. */
  ActivityDefinition validated(ActivityDefinition draft) {
    ActivityPatterns.validateMethod(draft.method());
    patternRules.accept(draft.method(), draft.urlRegex());
    ActivityPatterns.validateDescription(draft.description());
    if (draft.service() != null) {
      ServiceRules.validateName(draft.service());
    }
    return draft;
  }

  /** Succeeds when every name is a permission (or {@code allowUnknown}); fails with 400 naming the unknown ones. */
  Future<Void> known(Set<String> names, boolean allowUnknown) {
    if (allowUnknown || names.isEmpty()) {
      return Future.succeededFuture();
    }
    return permissions.unknown(names).compose(unknown -> unknown.isEmpty() ? Future.succeededFuture()
        : Future.failedFuture(new AdminRequestException(400, "unknown_permission", (unknown.size() == 1
            ? "There is no permission named " : "There are no permissions named ")
            + String.join(", ", unknown.stream().map(name -> "'" + name + "'").toList())
            + ". Permissions are " + permissions.source() + ": check the spelling, or create the permission there"
            + " first. To link a name that does not exist yet, repeat the request with ?" + ALLOW_UNKNOWN_PERMISSIONS
            + "=true.", new JsonObject().put("unknownPermissions", new JsonArray(List.copyOf(unknown))))));
  }

  /** Mounts the API on {@code parent}; the caller decides where in the handler chain that is. */
  public void mount(Router parent, Vertx vertx) {
    parent.route(MOUNT + "/*").subRouter(router(vertx));
  }
}
