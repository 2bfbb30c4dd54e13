package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.policy.InvalidActivityException;

import dev.gatehouse.gateway.policy.ActivityPatterns;

import dev.gatehouse.gateway.policy.ActivityDefinition;

import dev.gatehouse.gateway.http.ErrorResponses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * CRUD over activities, mounted under {@value #MOUNT}. It adds no access check of its own: the gateway's access
 * gate already decided the request against the activity index (the seed links these routes to
 * {@code manage-activities}), so with no allowing activity it is refused with 403 like any other route.
 */
public final class ActivitiesAdminApi {
  public static final String MOUNT = "/gatehouse/admin";

  private final ActivityRepository repository;
  private final BiConsumer<String, String> patternRules;
  private final int maxBodyBytes;
  private final ExplainHandler explain;

  /**
   * @param patternRules {@code ActivityPatterns::validate} in production: rejects bad regexes before they are stored
   */
  public ActivitiesAdminApi(ActivityRepository repository, BiConsumer<String, String> patternRules, int maxBodyBytes,
      ExplainHandler explain) {
    this.repository = repository;
    this.patternRules = patternRules;
    this.maxBodyBytes = maxBodyBytes;
    this.explain = explain;
  }

  /** The sub-router to mount at {@value #MOUNT}; paths below are relative to it. */
  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    router.get("/activities").handler(ctx -> respond(ctx, 200, repository.list()
        .map(list -> new JsonArray(list.stream().map(AdminJson::toJson).toList()))));
    router.get("/activities/:id").handler(ctx -> withId(ctx, id ->
        respond(ctx, 200, repository.find(id).map(AdminJson::toJson))));
    router.post("/activities").handler(ctx -> withDraft(ctx, draft ->
        respond(ctx, 201, repository.create(draft).map(AdminJson::toJson))));
    router.put("/activities/:id").handler(ctx -> withId(ctx, id -> withDraft(ctx, draft ->
        respond(ctx, 200, repository.update(id, draft).map(AdminJson::toJson)))));
    router.delete("/activities/:id").handler(ctx -> withId(ctx, id ->
        repository.delete(id).onSuccess(v -> ctx.response().setStatusCode(204).end())
            .onFailure(e -> AdminJson.fail(ctx, e))));
    router.put("/activities/:id/permissions/:permission").handler(ctx -> withId(ctx, id -> withPermission(ctx, p ->
        respond(ctx, 200, repository.linkPermission(id, p).map(AdminJson::toJson)))));
    router.delete("/activities/:id/permissions/:permission").handler(ctx -> withId(ctx, id -> withPermission(ctx, p ->
        respond(ctx, 200, repository.unlinkPermission(id, p).map(AdminJson::toJson)))));
    router.post("/explain").handler(explain);
    router.route().last().handler(ctx -> ErrorResponses.notFound(ctx, "No admin endpoint at "
        + ctx.request().method() + " " + ctx.normalizedPath() + "."));
    return router;
  }

  private static void respond(RoutingContext ctx, int status, Future<?> result) {
    result.onSuccess(body -> AdminJson.ok(ctx, status, body)).onFailure(e -> AdminJson.fail(ctx, e));
  }

  private static void withId(RoutingContext ctx, java.util.function.LongConsumer next) {
    String raw = ctx.pathParam("id");
    long id;
    try {
      id = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      ErrorResponses.badRequest(ctx, "Activity ids are whole numbers, got \"" + raw + "\".");
      return;
    }
    next.accept(id);
  }

  private static void withPermission(RoutingContext ctx, java.util.function.Consumer<String> next) {
    String permission = ctx.pathParam("permission");
    try {
      ActivityPatterns.validatePermission(permission);
    } catch (InvalidActivityException e) {
      ErrorResponses.badRequest(ctx, e.getMessage());
      return;
    }
    next.accept(permission);
  }

  private void withDraft(RoutingContext ctx, java.util.function.Consumer<ActivityDefinition> next) {
    JsonObject body = AdminJson.bodyObject(ctx);
    if (body == null) {
      return;
    }
    ActivityDefinition draft;
    try {
      draft = draft(body);
      patternRules.accept(draft.method(), draft.urlRegex());
    } catch (RuntimeException e) {
      AdminJson.fail(ctx, e);
      return;
    }
    next.accept(draft);
  }

  /** Throws IllegalArgumentException (answered 400) naming the field that is wrong. */
  static ActivityDefinition draft(JsonObject body) {
    Object method = body.getValue("method");
    Object urlRegex = body.getValue("urlRegex");
    Object description = body.getValue("description");
    Object permissions = body.getValue("permissions");
    if (!(method instanceof String m) || m.isBlank()) {
      throw new IllegalArgumentException("\"method\" must be an HTTP method such as \"GET\".");
    }
    if (!(urlRegex instanceof String r) || r.isBlank()) {
      throw new IllegalArgumentException("\"urlRegex\" must be a regex over the whole normalised path, such as "
          + "\"/api/v1/roles/[^/]+\".");
    }
    if (description != null && !(description instanceof String)) {
      throw new IllegalArgumentException("\"description\" must be a string when given.");
    }
    Set<String> names = new HashSet<>();
    if (permissions != null) {
      if (!(permissions instanceof JsonArray array)) {
        throw new IllegalArgumentException("\"permissions\" must be a list of permission names.");
      }
      for (Object item : array) {
        if (!(item instanceof String name)) {
          throw new IllegalArgumentException("\"permissions\" holds " + item + ", which is not a permission name.");
        }
        ActivityPatterns.validatePermission(name);
        names.add(name);
      }
    }
    return new ActivityDefinition(m.trim().toUpperCase(Locale.ROOT), r, (String) description, names);
  }

  /** Mounts the API on {@code parent}; the caller decides where in the handler chain that is. */
  public void mount(Router parent, Vertx vertx) {
    parent.route(MOUNT + "/*").subRouter(router(vertx));
  }
}
