package dev.gatehouse.gateway.admin;

import static dev.gatehouse.gateway.policy.PostgresFixture.await;
import static dev.gatehouse.gateway.testing.GatewayHarness.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.PostgresFixture;
import dev.gatehouse.gateway.policy.SchemaMigrations;
import dev.gatehouse.gateway.policy.ServiceStore;
import dev.gatehouse.gateway.testing.GatewayHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The services endpoints over a real PostgreSQL (the sync's one transaction and idempotence are the database's). */
class ServicesAdminApiTest {
  private static final String ADMIN_BASE = "/gatehouse/admin";
  private static PostgresFixture postgres;
  private static ActivityStore activities;
  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    postgres = new PostgresFixture();
    Pool pool = ActivityStore.createPool(postgres.vertx, postgres.newDatabase(), 4);
    await(SchemaMigrations.apply(pool));
    activities = new ActivityStore(pool);
    gateway = GatewayHarness.withServices(new StoreActivityRepository(activities),
        new StoreServiceRepository(new ServiceStore(pool), activities));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    postgres.close();
  }

  private static HttpResponse<String> call(String method, String path, String body) throws Exception {
    return call(method, path, body, Map.of());
  }

  private static HttpResponse<String> call(String method, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request = gateway.request(ADMIN_BASE + path).header("Authorization", "Bearer " + ADMIN)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    return gateway.send(request);
  }

  private static String service(String name, String prefix, String... upstreams) {
    return new JsonObject().put("name", name).put("routePrefix", prefix).put("upstreams", new JsonArray(
        java.util.List.of(upstreams))).encode();
  }

  private static HttpResponse<String> create(String name, String prefix) throws Exception {
    HttpResponse<String> created = call("POST", "/services", service(name, prefix, "http://127.0.0.1:"
        + gateway.demoPort));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return created;
  }

  @Test
  void servicesAreCreatedReadReplacedWithIfMatchAndDeleted() throws Exception {
    HttpResponse<String> created = create("billing", "/billing");
    HttpResponse<String> read = call("GET", "/services/billing", null);
    HttpResponse<String> withoutIfMatch = call("PUT", "/services/billing", new JsonObject(read.body())
        .put("timeoutMillis", 5000).encode());
    HttpResponse<String> replaced = call("PUT", "/services/billing", new JsonObject(read.body())
        .put("timeoutMillis", 5000).put("healthCheck", new JsonObject().put("path", "/health")
            .put("intervalMillis", 2000)).encode(),
        Map.of("If-Match", read.headers().firstValue("ETag").orElseThrow()));
    HttpResponse<String> stale = call("PUT", "/services/billing", read.body(),
        Map.of("If-Match", read.headers().firstValue("ETag").orElseThrow()));
    HttpResponse<String> list = call("GET", "/services", null);
    HttpResponse<String> deleted = call("DELETE", "/services/billing", null);
    HttpResponse<String> gone = call("GET", "/services/billing", null);

    assertThat(created.headers().firstValue("Location")).hasValue(ADMIN_BASE + "/services/billing");
    assertThat(new JsonObject(created.body()).getLong("timeoutMillis")).isEqualTo(30_000);
    assertThat(withoutIfMatch.statusCode()).isEqualTo(428);
    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    assertThat(new JsonObject(replaced.body()).getJsonObject("healthCheck").getString("path")).isEqualTo("/health");
    assertThat(replaced.headers().firstValue("ETag")).isNotEqualTo(read.headers().firstValue("ETag"));
    assertThat(stale.statusCode()).isEqualTo(412);
    assertThat(new JsonArray(list.body()).stream().map(o -> ((JsonObject) o).getString("name")))
        .contains("billing");
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(gone.statusCode()).isEqualTo(404);
  }

  @Test
  void aServiceWithoutUpstreamsUnderAConfiguredRouteIsRoutedByConfiguration() throws Exception {
    long before = await(activities.version());
    HttpResponse<String> uncovered = call("POST", "/services", service("lost", "/lost"));
    HttpResponse<String> withCheck = call("POST", "/services", new JsonObject(service("checked", "/api/checked"))
        .put("healthCheck", new JsonObject().put("path", "/health").put("intervalMillis", 2000)).encode());
    HttpResponse<String> contradicting = call("POST", "/services", new JsonObject(service("odd", "/api/odd"))
        .put("routedBy", "upstreams").encode());
    assertThat(await(activities.version())).as("nothing stored").isEqualTo(before);

    HttpResponse<String> created = call("POST", "/services", service("people", "/api/people"));
    HttpResponse<String> read = call("GET", "/services/people", null);
    HttpResponse<String> sentBack = call("PUT", "/services/people", new JsonObject(read.body())
        .put("description", "owned here, routed by /api").encode(),
        Map.of("If-Match", read.headers().firstValue("ETag").orElseThrow()));
    HttpResponse<String> relative = call("POST", "/activities", new JsonObject().put("method", "GET")
        .put("service", "people").put("serviceRegex", "/x").put("permissions", new JsonArray().add("view-skills"))
        .encode());
    HttpResponse<String> owned = call("GET", "/services/people/activities", null);

    assertThat(uncovered.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(uncovered.body()).getString("message")).contains("has no upstreams")
        .contains("none covers /lost").contains("Nothing was stored");
    assertThat(withCheck.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(withCheck.body()).getString("message")).contains("no upstream to check");
    assertThat(contradicting.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(contradicting.body()).getString("message")).contains("\"routedBy\"");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(new JsonObject(read.body()).getJsonArray("upstreams")).isEmpty();
    assertThat(new JsonObject(read.body()).getString("routedBy")).isEqualTo("configuration");
    assertThat(sentBack.statusCode()).as("a GET answer goes back with PUT as it is: " + sentBack.body())
        .isEqualTo(200);
    assertThat(relative.statusCode()).as(relative.body()).isEqualTo(201);
    assertThat(new JsonObject(relative.body()).getString("urlRegex")).isEqualTo("/api/people/x");
    assertThat(new JsonArray(owned.body())).hasSize(1);
    HttpResponse<String> withUpstreams = create("routed", "/routed");
    assertThat(new JsonObject(withUpstreams.body()).getString("routedBy")).isEqualTo("upstreams");
  }

  @Test
  void malformedOrClashingServicesAreRefusedAndChangeNothing() throws Exception {
    long before = await(activities.version());
    HttpResponse<String> badUpstream = call("POST", "/services", service("bad", "/bad", "http://host/path"));
    HttpResponse<String> badPrefix = call("POST", "/services", service("bad", "/bad/", "http://127.0.0.1:1"));
    HttpResponse<String> unknownField = call("POST", "/services", new JsonObject(service("bad", "/bad",
        "http://127.0.0.1:1")).put("upstream", "x").encode());
    HttpResponse<String> configured = call("POST", "/services", service("bad", "/api", "http://127.0.0.1:1"));
    HttpResponse<String> reserved = call("POST", "/services", service("bad", "/gatehouse/x", "http://127.0.0.1:1"));
    create("taken", "/taken");
    long afterCreate = await(activities.version());
    HttpResponse<String> sameName = call("POST", "/services", service("taken", "/other", "http://127.0.0.1:1"));
    HttpResponse<String> samePrefix = call("POST", "/services", service("other", "/taken", "http://127.0.0.1:1"));

    assertThat(badUpstream.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(badUpstream.body()).getString("message")).contains("no path");
    assertThat(badPrefix.statusCode()).isEqualTo(400);
    assertThat(unknownField.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(unknownField.body()).getString("message")).contains("Unknown field \"upstream\"")
        .contains("upstreams");
    assertThat(configured.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(configured.body()).getString("message")).contains("configuration");
    assertThat(reserved.statusCode()).isEqualTo(400);
    assertThat(sameName.statusCode()).isEqualTo(409);
    assertThat(samePrefix.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(samePrefix.body()).getString("message")).contains("route prefix /taken");
    assertThat(call("GET", "/services/bad", null).statusCode()).isEqualTo(404);
    assertThat(afterCreate).as("only the valid create bumped the version").isEqualTo(before + 1);
    assertThat(await(activities.version())).isEqualTo(afterCreate);
  }

  @Test
  void activitiesBelongToAServiceWithARegexRelativeToItsPrefix() throws Exception {
    create("skills", "/skills.v1");
    HttpResponse<String> relative = call("POST", "/activities", new JsonObject().put("method", "GET")
        .put("service", "skills").put("serviceRegex", "/items/[^/?#]+")
        .put("permissions", new JsonArray().add("view-skills")).encode());
    HttpResponse<String> noService = call("POST", "/activities", new JsonObject().put("method", "GET")
        .put("service", "nope").put("serviceRegex", "/x").encode());
    HttpResponse<String> listed = call("GET", "/services/skills/activities", null);
    HttpResponse<String> refusedDelete = call("DELETE", "/services/skills", null);

    assertThat(relative.statusCode()).as(relative.body()).isEqualTo(201);
    JsonObject activity = new JsonObject(relative.body());
    assertThat(activity.getString("urlRegex")).isEqualTo("/skills\\.v1/items/[^/?#]+");
    assertThat(activity.getString("service")).isEqualTo("skills");
    assertThat(activity.getBoolean("shadow")).isFalse();
    assertThat(noService.statusCode()).isEqualTo(404);
    assertThat(new JsonArray(listed.body()).getJsonObject(0).getLong("id")).isEqualTo(activity.getLong("id"));
    assertThat(refusedDelete.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(refusedDelete.body()).getString("message")).contains("still has 1 activity");
  }

  @Test
  void syncPlansThenAppliesInOneGoAndChangesNothingTheSecondTime() throws Exception {
    create("invoices", "/invoices");
    JsonArray wanted = new JsonArray()
        .add(new JsonObject().put("method", "GET").put("serviceRegex", "").put("description", "list")
            .put("permissions", new JsonArray().add("view-users")))
        .add(new JsonObject().put("method", "GET").put("serviceRegex", "/[^/?#]+").put("description", "one")
            .put("permissions", new JsonArray().add("view-users")).put("shadow", true));
    String path = "/services/invoices/activities/sync";
    long before = await(activities.version());

    JsonObject plan = new JsonObject(call("POST", path, new JsonObject().put("activities", wanted)
        .put("dryRun", true).encode()).body());
    long afterPlan = await(activities.version());
    HttpResponse<String> applied = call("POST", path, new JsonObject().put("activities", wanted).encode());
    long afterApply = await(activities.version());
    JsonObject again = new JsonObject(call("POST", path, new JsonObject().put("activities", wanted).encode()).body());
    long afterAgain = await(activities.version());

    assertThat(plan.getJsonArray("added")).hasSize(2);
    assertThat(plan.getBoolean("applied")).isFalse();
    assertThat(afterPlan).as("a dry run stores nothing").isEqualTo(before);
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
    JsonObject result = new JsonObject(applied.body());
    assertThat(result.getBoolean("applied")).isTrue();
    assertThat(result.getJsonArray("added").getJsonObject(1).getLong("id")).isPositive();
    assertThat(result.getJsonArray("added").getJsonObject(1).getString("urlRegex")).isEqualTo("/invoices/[^/?#]+");
    assertThat(afterApply).as("one transaction, one version bump").isEqualTo(before + 1);
    assertThat(again.getJsonArray("unchanged")).hasSize(2);
    assertThat(again.getJsonArray("added")).isEmpty();
    assertThat(again.getJsonArray("changed")).isEmpty();
    assertThat(again.getBoolean("applied")).isFalse();
    assertThat(afterAgain).isEqualTo(afterApply);

    JsonArray edited = new JsonArray().add(wanted.getJsonObject(0).copy()
        .put("permissions", new JsonArray().add("view-users").add("view-roles")));
    JsonObject withoutPrune = new JsonObject(call("POST", path, new JsonObject().put("activities", edited).encode())
        .body());
    JsonObject pruned = new JsonObject(call("POST", path, new JsonObject().put("activities", edited)
        .put("prune", true).encode()).body());

    assertThat(withoutPrune.getJsonArray("changed").getJsonObject(0).getJsonArray("changedFields"))
        .containsExactly("permissions");
    assertThat(withoutPrune.getJsonArray("changed").getJsonObject(0).getJsonObject("before")
        .getJsonArray("permissions")).as("what it was, for the plan's before and after")
        .containsExactlyElementsOf(wanted.getJsonObject(0).getJsonArray("permissions"));
    assertThat(withoutPrune.getJsonArray("removed").getJsonObject(0).getBoolean("applied")).isFalse();
    assertThat(pruned.getJsonArray("removed").getJsonObject(0).getBoolean("applied")).isTrue();
    assertThat(new JsonArray(call("GET", "/services/invoices/activities", null).body())).hasSize(1);
  }

  @Test
  void syncRefusesUnknownPermissionsAndForeignActivitiesAndChangesNothing() throws Exception {
    create("reports", "/reports");
    call("POST", "/activities", new JsonObject().put("method", "GET").put("urlRegex", "/reports/owned-elsewhere")
        .put("permissions", new JsonArray().add("view-users")).encode());
    String path = "/services/reports/activities/sync";
    long before = await(activities.version());

    HttpResponse<String> unknown = call("POST", path, new JsonObject().put("activities", new JsonArray()
        .add(new JsonObject().put("method", "GET").put("serviceRegex", "").put("permissions",
            new JsonArray().add("no-such-permission")))).encode());
    HttpResponse<String> foreign = call("POST", path, new JsonObject().put("activities", new JsonArray()
        .add(new JsonObject().put("method", "GET").put("serviceRegex", "").put("permissions",
            new JsonArray().add("view-users")))
        .add(new JsonObject().put("method", "GET").put("urlRegex", "/reports/owned-elsewhere")
            .put("permissions", new JsonArray().add("view-users")))).encode());
    HttpResponse<String> missingList = call("POST", path, "{\"dryRun\":true}");

    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(unknown.body()).getString("error")).isEqualTo("unknown_permission");
    assertThat(foreign.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(foreign.body()).getString("message")).contains("/reports/owned-elsewhere")
        .contains("no service");
    assertThat(missingList.statusCode()).isEqualTo(400);
    assertThat(await(activities.version())).isEqualTo(before);
    assertThat(new JsonArray(call("GET", "/services/reports/activities", null).body())).isEmpty();
  }

  private static final String ITEMS_SPEC = """
      openapi: 3.0.3
      info: {title: items, version: "1"}
      paths:
        /items:
          get:
            summary: List items
            x-gatehouse-permissions: [view-users]
            responses: {"200": {description: ok}}
        /items/{id}:
          parameters:
            - {name: id, in: path, required: true, schema: {type: string}}
          get:
            operationId: readItem
            x-gatehouse-permissions: [view-users, view-roles]
            responses: {"200": {description: ok}}
      """;

  private static HttpResponse<String> importSpec(String service, JsonObject body) throws Exception {
    return call("POST", "/services/" + service + "/activities/import-openapi", body.encode());
  }

  @Test
  void anOpenApiImportPlansAppliesWithTheSyncAndChangesNothingTheSecondTime() throws Exception {
    create("catalogue", "/catalogue");
    long before = await(activities.version());

    HttpResponse<String> planned = importSpec("catalogue", new JsonObject().put("spec", ITEMS_SPEC)
        .put("dryRun", true));
    long afterPlan = await(activities.version());
    HttpResponse<String> applied = importSpec("catalogue", new JsonObject().put("spec", ITEMS_SPEC));
    long afterApply = await(activities.version());
    JsonObject again = new JsonObject(importSpec("catalogue", new JsonObject().put("spec", ITEMS_SPEC)).body());

    assertThat(planned.statusCode()).as(planned.body()).isEqualTo(200);
    JsonObject plan = new JsonObject(planned.body());
    assertThat(plan.getBoolean("applied")).isFalse();
    assertThat(plan.getJsonArray("added")).hasSize(2);
    assertThat(plan.getJsonArray("added").getJsonObject(1).getString("urlRegex")).isEqualTo("/catalogue/items/[^/]+");
    assertThat(afterPlan).as("a dry run stores nothing").isEqualTo(before);
    assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
    assertThat(new JsonObject(applied.body()).getBoolean("applied")).isTrue();
    assertThat(afterApply).as("one transaction").isEqualTo(before + 1);
    assertThat(again.getJsonArray("unchanged")).hasSize(2);
    assertThat(again.getJsonArray("added")).isEmpty();
    assertThat(again.getJsonArray("changed")).isEmpty();
    assertThat(await(activities.version())).as("re-applying changes nothing").isEqualTo(afterApply);

    // The same plan as the sync endpoint's for the same activities (it is the same code).
    JsonObject viaSync = new JsonObject(call("POST", "/services/catalogue/activities/sync", new JsonObject()
        .put("dryRun", true).put("activities", new JsonArray()
            .add(new JsonObject().put("method", "GET").put("serviceRegex", "/items").put("description", "List items")
                .put("permissions", new JsonArray().add("view-users")))
            .add(new JsonObject().put("method", "GET").put("serviceRegex", "/items/[^/]+")
                .put("description", "readItem").put("permissions", new JsonArray().add("view-roles")
                    .add("view-users")))).encode()).body());
    assertThat(viaSync.getJsonArray("unchanged")).isEqualTo(again.getJsonArray("unchanged"));

    // An edit shows as a precise change.
    JsonObject edited = new JsonObject(importSpec("catalogue", new JsonObject().put("dryRun", true)
        .put("spec", ITEMS_SPEC.replace("[view-users, view-roles]", "[view-users]"))).body());
    assertThat(edited.getJsonArray("changed")).hasSize(1);
    assertThat(edited.getJsonArray("changed").getJsonObject(0).getJsonArray("changedFields"))
        .containsExactly("permissions");
  }

  @Test
  void anOpenApiImportRefusesBadSpecsWithTheCommandLinesMessagesAndChangesNothing() throws Exception {
    create("shelf", "/shelf");
    long before = await(activities.version());

    HttpResponse<String> notOpenApi = importSpec("shelf", new JsonObject().put("spec", "just: text"));
    HttpResponse<String> unmapped = importSpec("shelf", new JsonObject().put("spec",
        ITEMS_SPEC.replace("      x-gatehouse-permissions: [view-users]\n", "")));
    HttpResponse<String> skipped = importSpec("shelf", new JsonObject().put("dryRun", true).put("unmapped", "skip")
        .put("spec", ITEMS_SPEC.replace("      x-gatehouse-permissions: [view-users]\n", "")));
    HttpResponse<String> mapped = importSpec("shelf", new JsonObject().put("dryRun", true)
        .put("permissionsMap", new JsonObject().put("GET /items", "view-skills"))
        .put("spec", ITEMS_SPEC.replace("      x-gatehouse-permissions: [view-users]\n", "")));
    HttpResponse<String> unknown = importSpec("shelf", new JsonObject().put("spec",
        ITEMS_SPEC.replace("[view-users]", "[no-such-permission]")));
    HttpResponse<String> overlap = importSpec("shelf", new JsonObject().put("spec", ITEMS_SPEC + """
                /items/new:
                  get:
                    x-gatehouse-permissions: [view-skills]
                    responses: {"200": {description: ok}}
              """));
    HttpResponse<String> external = importSpec("shelf", new JsonObject().put("spec", ITEMS_SPEC + """
          /remote:
            $ref: "http://127.0.0.1:9/paths.yaml"
        """));
    HttpResponse<String> badField = importSpec("shelf", new JsonObject().put("spec", ITEMS_SPEC)
        .put("url", "http://example.com/openapi.yaml"));
    HttpResponse<String> tooLarge = importSpec("shelf", new JsonObject().put("spec",
        ITEMS_SPEC + "#".repeat(OpenApiImport.MAX_SPEC_CHARS)));

    assertThat(notOpenApi.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(notOpenApi.body()).getString("error")).isEqualTo("spec_refused");
    assertThat(new JsonObject(notOpenApi.body()).getString("message")).contains("is not a valid OpenAPI 3.0/3.1");
    assertThat(unmapped.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(unmapped.body()).getString("message")).contains("1 operation(s) have no permissions:"
        + " GET /items").contains("\"unmapped\": \"skip\"").contains("\"permissionsMap\"");
    assertThat(skipped.statusCode()).as(skipped.body()).isEqualTo(200);
    assertThat(new JsonObject(skipped.body()).getJsonArray("skipped").getString(0)).contains("GET /items");
    assertThat(mapped.statusCode()).as(mapped.body()).isEqualTo(200);
    assertThat(new JsonObject(mapped.body()).getJsonArray("added").getJsonObject(0).getJsonArray("permissions"))
        .containsExactly("view-skills");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(unknown.body()).getString("error")).isEqualTo("unknown_permission");
    assertThat(new JsonObject(unknown.body()).getJsonArray("unknownPermissions")).containsExactly("no-such-permission");
    assertThat(overlap.statusCode()).as(overlap.body()).isEqualTo(400);
    assertThat(new JsonObject(overlap.body()).getString("message")).contains("overlap");
    assertThat(external.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(external.body()).getString("message")).contains("refers outside itself")
        .contains("http://127.0.0.1:9/paths.yaml");
    assertThat(badField.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(badField.body()).getString("message")).contains("url");
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(tooLarge.body()).getString("message")).contains(String.valueOf(OpenApiImport
        .MAX_SPEC_CHARS));
    assertThat(await(activities.version())).as("nothing refused was stored").isEqualTo(before);
    assertThat(new JsonArray(call("GET", "/services/shelf/activities", null).body())).isEmpty();
  }

  @Test
  void aShadowActivityIsPromotedWithOneCall() throws Exception {
    HttpResponse<String> created = call("POST", "/activities", new JsonObject().put("method", "GET")
        .put("urlRegex", "/api/v1/shadowed").put("shadow", true)
        .put("permissions", new JsonArray().add("view-users")).encode());
    long id = new JsonObject(created.body()).getLong("id");

    HttpResponse<String> promoted = call("POST", "/activities/" + id + "/promote", null);
    HttpResponse<String> missing = call("POST", "/activities/999999/promote", null);

    assertThat(new JsonObject(created.body()).getBoolean("shadow")).isTrue();
    assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
    assertThat(new JsonObject(promoted.body()).getBoolean("shadow")).isFalse();
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  @Test
  void aPutThatLeavesOutServiceAndShadowKeepsThem() throws Exception {
    create("kept", "/kept");
    HttpResponse<String> created = call("POST", "/activities", new JsonObject().put("method", "GET")
        .put("service", "kept").put("serviceRegex", "/a").put("shadow", true)
        .put("permissions", new JsonArray().add("view-users")).encode());
    JsonObject activity = new JsonObject(created.body());

    HttpResponse<String> replaced = call("PUT", "/activities/" + activity.getLong("id"), new JsonObject()
        .put("method", "GET").put("urlRegex", "/kept/b").put("description", "")
        .put("permissions", new JsonArray().add("view-users")).encode(),
        Map.of("If-Match", created.headers().firstValue("ETag").orElseThrow()));

    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    assertThat(new JsonObject(replaced.body()).getString("service")).isEqualTo("kept");
    assertThat(new JsonObject(replaced.body()).getBoolean("shadow")).isTrue();
  }
}
