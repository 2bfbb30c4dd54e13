package dev.gatehouse.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.reply.ErrorReply;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code POST /gatehouse/admin/policy-tests}: a table of cases "who, method, path, expected" decided against the live
 * activities. Each case is decided by {@link ExplainHandler#explain}, i.e. exactly as a request and {@code /explain}
 * are, and its reason is explain's. {@code who} is a permission set, or a Keycloak role, user or client whose effective
 * permissions the extension pack resolves ({@link PermissionCatalog#permissionsOf}); each distinct subject is asked
 * once per run.
 *
 * <p>A case that names a subject Keycloak does not know fails with that reason; the run goes on. Keycloak unreachable
 * (for a run that names subjects) is 503: no case could be trusted.
 */
final class PolicyTestsHandler implements Handler<RoutingContext> {
  /** A run is one request: big enough for a suite's table, small enough to answer in one go. */
  static final int MAX_CASES = 2_000;
  private static final List<String> BODY_FIELDS = List.of("cases");
  private static final List<String> CASE_FIELDS = List.of("who", "method", "path", "expected", "name");
  private static final List<String> WHO_FIELDS = List.of("permissions", "role", "user", "client");

  private final ExplainHandler explain;
  private final PermissionCatalog catalog;

  PolicyTestsHandler(ExplainHandler explain, PermissionCatalog catalog) {
    this.explain = explain;
    this.catalog = catalog;
  }

  /** Who a case is about: exactly one of a permission set and a subject. */
  record Who(Set<String> permissions, PolicySubject subject) {
    JsonObject toJson() {
      return subject == null ? new JsonObject().put("permissions", new JsonArray(List.copyOf(permissions)))
          : new JsonObject().put(subject.kind().field, subject.name());
    }
  }

  record Case(String name, Who who, String method, String path, boolean expectAllow) {}

  @Override
  public void handle(RoutingContext ctx) {
    List<Case> cases;
    try {
      cases = cases(JsonBody.object(ctx));
    } catch (AdminRequestException e) {
      AdminJson.fail(ctx, e);
      return;
    }
    if (!explain.loaded()) {
      ErrorReply.unavailable(ctx.request(), "The activities are not loaded yet; try again shortly.");
      return;
    }
    Map<PolicySubject, Future<SubjectPermissions>> resolved = new LinkedHashMap<>();
    for (Case c : cases) {
      if (c.who().subject() != null) {
        resolved.computeIfAbsent(c.who().subject(), catalog::permissionsOf);
      }
    }
    Future.join(new ArrayList<>(resolved.values())).onComplete(all -> {
      for (Future<SubjectPermissions> subject : resolved.values()) {
        if (subject.failed() && subject.cause() instanceof PermissionCatalogUnavailableException e) {
          ErrorReply.unavailable(ctx.request(), "The policy tests name Keycloak roles, users or clients, whose permissions"
              + " could not be resolved now: " + e.getMessage() + ". No case was run; try again shortly, or give"
              + " permission sets instead.");
          return;
        }
        if (subject.failed() && !(subject.cause() instanceof UnknownSubjectException)) {
          AdminJson.fail(ctx, subject.cause());
          return;
        }
      }
      AdminJson.ok(ctx, 200, report(cases, resolved));
    });
  }

  private JsonObject report(List<Case> cases, Map<PolicySubject, Future<SubjectPermissions>> resolved) {
    JsonArray results = new JsonArray();
    int failed = 0;
    for (Case c : cases) {
      JsonObject result = run(c, c.who().subject() == null ? null : resolved.get(c.who().subject()));
      if (!result.getBoolean("passed")) {
        failed++;
      }
      results.add(result);
    }
    return new JsonObject().put("passed", failed == 0).put("total", cases.size()).put("failed", failed)
        .put("cases", results);
  }

  private JsonObject run(Case c, Future<SubjectPermissions> subject) {
    JsonObject result = new JsonObject();
    if (c.name() != null) {
      result.put("name", c.name());
    }
    result.put("who", c.who().toJson()).put("method", c.method()).put("path", c.path())
        .put("expected", c.expectAllow() ? "allow" : "deny");
    if (subject != null && subject.failed()) {
      return result.putNull("actual").put("passed", false).putNull("normalizedPath").putNull("decidingActivity")
          .put("reason", "Keycloak does not know " + c.who().subject().describe() + ": " + subject.cause().getMessage());
    }
    Collection<String> permissions = subject == null ? c.who().permissions() : subject.result().permissions();
    JsonObject explanation = explain.explain(c.method(), c.path(), permissions);
    boolean allowed = explanation.getBoolean("allowed");
    String reason = explanation.getString("reason");
    if (subject != null) {
      PolicySubject who = c.who().subject();
      if (!subject.result().enabled()) {
        // A disabled user or client gets no token: every request is refused whatever its roles would allow.
        allowed = false;
        explanation.putNull("decidingActivity");
        reason = capitalized(who.describe()) + " is disabled in Keycloak, so it gets no token and the gateway"
            + " answers 401.";
      } else {
        reason = capitalized(who.describe()) + " has " + describe(subject.result().permissions()) + ". " + reason;
      }
    }
    return result.put("actual", allowed ? "allow" : "deny").put("passed", allowed == c.expectAllow())
        .put("normalizedPath", explanation.getValue("normalizedPath"))
        .put("decidingActivity", explanation.getValue("decidingActivity"))
        .put("reason", reason);
  }

  private static String describe(Set<String> permissions) {
    return permissions.isEmpty() ? "no permissions"
        : "the permissions " + String.join(", ", new TreeSet<>(permissions));
  }

  private static String capitalized(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  /** Reads the whole table strictly; the first bad case is refused with 400 naming it, and nothing is run. */
  static List<Case> cases(ObjectNode body) {
    JsonFields.requireKnown(body, BODY_FIELDS, "A policy test run");
    JsonNode list = body.get("cases");
    if (list == null || !list.isArray()) {
      throw AdminRequestException.badRequest("\"cases\" must be a list of cases, each {\"who\": {...}, \"method\":"
          + " \"GET\", \"path\": \"/api/v1/roles\", \"expected\": \"allow\" or \"deny\"}"
          + (list == null ? "; it is missing." : ", not " + JsonBody.kind(list) + "."));
    }
    if (list.isEmpty()) {
      throw AdminRequestException.badRequest("\"cases\" is empty: give at least one case.");
    }
    if (list.size() > MAX_CASES) {
      throw AdminRequestException.badRequest("\"cases\" has " + list.size() + " cases; one run takes at most "
          + MAX_CASES + ". Split the table.");
    }
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      String where = "Case " + (i + 1);
      if (!item.isObject()) {
        throw AdminRequestException.badRequest(where + " must be an object, not " + JsonBody.kind(item) + ".");
      }
      ObjectNode object = (ObjectNode) item;
      if (object.get("name") != null && object.get("name").isTextual()) {
        where += " (\"" + JsonBody.shorten(object.get("name").textValue()) + "\")";
      }
      try {
        cases.add(one(object));
      } catch (AdminRequestException e) {
        throw AdminRequestException.badRequest(where + ": " + e.getMessage());
      }
    }
    return cases;
  }

  private static Case one(ObjectNode item) {
    JsonFields.requireKnown(item, CASE_FIELDS, "A case");
    String name = JsonFields.string(item, "name", false, "a short label for the case");
    JsonNode whoNode = item.get("who");
    if (whoNode == null || !whoNode.isObject()) {
      throw AdminRequestException.badRequest("\"who\" must be an object with exactly one of " + whoHint()
          + (whoNode == null ? "; it is missing." : ", not " + JsonBody.kind(whoNode) + "."));
    }
    Who who = who((ObjectNode) whoNode);
    String method = ExplainHandler.method(item);
    String path = ExplainHandler.path(item);
    String expected = JsonFields.string(item, "expected", true, "\"allow\" or \"deny\"");
    if (!expected.equals("allow") && !expected.equals("deny")) {
      throw AdminRequestException.badRequest("\"expected\" must be \"allow\" or \"deny\" (lower case), got \""
          + JsonBody.shorten(expected) + "\".");
    }
    return new Case(name, who, method, path, expected.equals("allow"));
  }

  private static Who who(ObjectNode who) {
    JsonFields.requireKnown(who, WHO_FIELDS, "\"who\"");
    if (who.size() != 1) {
      throw AdminRequestException.badRequest("\"who\" must have exactly one of " + whoHint() + ".");
    }
    if (who.has("permissions")) {
      return new Who(Set.copyOf(JsonFields.permissionNames(who, "permissions", true)), null);
    }
    for (PolicySubject.Kind kind : PolicySubject.Kind.values()) {
      if (who.has(kind.field)) {
        String name = JsonFields.string(who, kind.field, true, "a " + kind.field + " name");
        if (name.isBlank() || name.length() > 255) {
          throw AdminRequestException.badRequest("\"who\"." + kind.field + " must be a " + kind.field
              + " name (1 to 255 characters).");
        }
        return new Who(null, new PolicySubject(kind, name));
      }
    }
    throw new IllegalStateException("unreachable: requireKnown allowed an unknown field");
  }

  private static String whoHint() {
    return "\"permissions\" (a list of names), \"role\" (a realm role), \"user\" (a username) or \"client\" (a client"
        + " with a service account)";
  }
}
