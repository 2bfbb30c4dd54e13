package dev.gatehouse.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.reply.ErrorReply;
import dev.gatehouse.openapi.ActivityDraft;
import dev.gatehouse.openapi.OpenApiConverter;
import dev.gatehouse.openapi.OpenApiDocuments;
import dev.gatehouse.openapi.PermissionsMap;
import dev.gatehouse.openapi.SpecRefusedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /services/{name}/activities/import-openapi}: a service's activities from its OpenAPI 3.0/3.1 document,
 * converted exactly as {@code gatehouse import-openapi} converts it (the shared {@code gatehouse-openapi} module), then
 * planned and applied by the same code as {@code .../activities/sync}, answering the same plan.
 *
 * <p>The body carries the document's TEXT ({@code "spec"}, YAML or JSON, at most {@value #MAX_SPEC_CHARS} characters):
 * the gateway never fetches a URL or reads a file for an import, and refuses a document whose {@code $ref}s point
 * outside itself. Parsing runs on its own two worker threads, never on the event loop. The other fields mirror the command
 * line's options: {@code dryRun}, {@code prune}, {@code unmapped} ({@code "fail"} or {@code "skip"}),
 * {@code permissionsMap} (an object, or its YAML/JSON text) and {@code stripPrefix}.
 */
final class OpenApiImport {
  static final String PATH = "/services/:name/activities/import-openapi";
  static final List<String> FIELDS = List.of("spec", "dryRun", "prune", "unmapped", "permissionsMap", "stripPrefix");
  /** 1 MiB of text: a 500-operation spec is about a tenth of that. */
  static final int MAX_SPEC_CHARS = 1024 * 1024;
  /** JSON escaping can double a YAML text (every newline becomes {@code \n}); the rest of the body is small. */
  static final int MAX_BODY_BYTES = 2 * MAX_SPEC_CHARS + 64 * 1024;

  /** The sync's plan-and-apply ({@link ServicesAdminApi#sync}). */
  interface Sync {
    Future<ActivityStore.SyncOutcome> run(String service, List<ActivityBody.Draft> drafts, boolean prune,
        boolean dryRun, boolean allowUnknown);
  }

  /** What the request asks for, read on the event loop (cheap, strict). */
  record Request(String spec, boolean dryRun, boolean prune, OpenApiConverter.Options options) {}

  /** Two threads of its own: big imports queue here, never ahead of the activity index builds on the worker pool. */
  static final int PARSER_THREADS = 2;

  private final Sync sync;
  private final WorkerExecutor parsers;

  OpenApiImport(Sync sync, Vertx vertx) {
    this.sync = sync;
    this.parsers = vertx.createSharedWorkerExecutor("gatehouse-openapi-import", PARSER_THREADS);
  }

  void addTo(Router router) {
    // Ahead of the admin router's own body handler (which then sees the body read and steps aside): a spec needs more
    // room than other admin bodies.
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.post(PATH).failureHandler(ctx -> {
      if (ctx.statusCode() == 413) {
        ErrorReply.send(ctx.request(), 413, "payload_too_large", "The import request is larger than "
            + MAX_BODY_BYTES + " bytes; the spec may be at most " + MAX_SPEC_CHARS + " characters (1 MiB). Split"
            + " the service's document, or import it with the gatehouse command line.");
      } else {
        ctx.next();
      }
    });
    router.post(PATH).handler(ctx -> ActivitiesAdminApi.answer(ctx, () -> {
      boolean allowUnknown = ActivitiesAdminApi.allowUnknownPermissions(ctx);
      String name = ServicesAdminApi.name(ctx);
      Request request = read(JsonBody.object(ctx));
      return parsers.executeBlocking(() -> convert(request), false).compose(converted ->
          sync.run(name, drafts(converted, name), request.prune(), request.dryRun(), allowUnknown)
              .map(outcome -> reply -> AdminJson.ok(reply, 200,
                  ServicesAdminApi.syncResult(name, outcome, request.prune(), request.dryRun())
                      .put("skipped", new JsonArray(converted.skipped())))));
    }));
  }

  static Request read(ObjectNode body) {
    JsonFields.requireKnown(body, FIELDS, "An OpenAPI import");
    String spec = JsonFields.string(body, "spec", true, "the OpenAPI 3.0/3.1 document's text, YAML or JSON (the"
        + " gateway fetches no URL: send the document itself)");
    if (spec.length() > MAX_SPEC_CHARS) {
      throw new AdminRequestException(413, "payload_too_large", "\"spec\" is " + spec.length() + " characters; the"
          + " limit is " + MAX_SPEC_CHARS + " (1 MiB). Split the service's document, or import it with the gatehouse"
          + " command line.");
    }
    if (spec.isBlank()) {
      throw AdminRequestException.badRequest("\"spec\" is empty: send the OpenAPI document's text.");
    }
    boolean dryRun = Boolean.TRUE.equals(JsonFields.bool(body, "dryRun", "true to only plan"));
    boolean prune = Boolean.TRUE.equals(JsonFields.bool(body, "prune", "true to delete the service's activities"
        + " that the spec no longer has"));
    String unmappedText = JsonFields.string(body, "unmapped", false, "\"fail\" (refuse operations without"
        + " permissions) or \"skip\" (leave them out)");
    OpenApiConverter.Unmapped unmapped;
    if (unmappedText == null || unmappedText.equals("fail")) {
      unmapped = OpenApiConverter.Unmapped.FAIL;
    } else if (unmappedText.equals("skip")) {
      unmapped = OpenApiConverter.Unmapped.SKIP;
    } else {
      throw AdminRequestException.badRequest("\"unmapped\" must be \"fail\" (refuse operations without permissions,"
          + " the default) or \"skip\" (leave them out; the gateway then refuses them), not \""
          + JsonBody.shorten(unmappedText) + "\".");
    }
    String stripPrefix = JsonFields.string(body, "stripPrefix", false, "a path the spec's paths start with, to"
        + " remove first, such as \"/api\"");
    Map<String, List<String>> map = permissionsMap(body.get("permissionsMap"));
    return new Request(spec, dryRun, prune, new OpenApiConverter.Options(unmapped, map, stripPrefix,
        OpenApiConverter.Spelling.JSON_FIELDS));
  }

  /** The same reader as the command line's --permissions-map file (JSON is YAML), so the same rules and messages. */
  private static Map<String, List<String>> permissionsMap(JsonNode value) {
    if (value == null || value.isNull()) {
      return Map.of();
    }
    String text;
    if (value.isTextual()) {
      text = value.textValue();
    } else if (value.isObject()) {
      text = value.toString();
    } else {
      throw AdminRequestException.badRequest("\"permissionsMap\" must be an object from operationId or \"METHOD"
          + " /path\" to permission names, such as {\"listRoles\": [\"view-roles\"]} (or that as YAML text), not "
          + JsonBody.kind(value) + ".");
    }
    if (text.isBlank()) {
      return Map.of();
    }
    try {
      return PermissionsMap.parse(text, "\"permissionsMap\"");
    } catch (SpecRefusedException e) {
      throw refused(e, "permissions_map_refused");
    }
  }

  /** Blocking: parses and converts; a refused spec becomes a 400 listing every problem. */
  static OpenApiConverter.Result convert(Request request) {
    try {
      return OpenApiConverter.convert(OpenApiDocuments.parseSelfContained(request.spec(), "\"spec\""),
          request.options());
    } catch (SpecRefusedException e) {
      throw refused(e, "spec_refused");
    } catch (RuntimeException e) {
      // The parser's own failures on malformed input: still the caller's document, not the gateway's fault.
      throw new AdminRequestException(400, "spec_refused", "The spec cannot be read: " + JsonBody.shorten(
          String.valueOf(e.getMessage())), new JsonObject().put("problems", new JsonArray().add(
          JsonBody.shorten(String.valueOf(e.getMessage())))));
    }
  }

  private static AdminRequestException refused(SpecRefusedException e, String error) {
    return new AdminRequestException(400, error, e.getMessage(),
        new JsonObject().put("problems", new JsonArray(e.problems())));
  }

  /** Each generated activity as a sync entry of {@code service}, its regex relative to the service's prefix. */
  static List<ActivityBody.Draft> drafts(OpenApiConverter.Result converted, String service) {
    List<ActivityBody.Draft> drafts = new ArrayList<>();
    for (ActivityDraft draft : converted.activities()) {
      drafts.add(new ActivityBody.Draft(draft.method(), null, draft.serviceRegex(), draft.description(),
          new LinkedHashSet<>(draft.permissions()), service, draft.shadow()));
    }
    return drafts;
  }
}
