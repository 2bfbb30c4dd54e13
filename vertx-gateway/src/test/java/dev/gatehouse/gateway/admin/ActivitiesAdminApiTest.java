package dev.gatehouse.gateway.admin;

import static dev.gatehouse.gateway.testing.GatewayHarness.ADMIN;
import static dev.gatehouse.gateway.testing.GatewayHarness.GOOD;
import static dev.gatehouse.gateway.testing.GatewayHarness.READER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.InMemoryActivityRepository;
import dev.gatehouse.gateway.testing.RawHttp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ActivitiesAdminApiTest {
  private static final String BASE = "/gatehouse/admin/activities";
  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = new GatewayHarness(new InMemoryActivityRepository());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  private static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
    return gateway.send(gateway.request(path)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  private static String draft(String method, String regex) {
    return new JsonObject().put("method", method).put("urlRegex", regex).put("description", "test")
        .put("permissions", new JsonArray().add("view-roles")).encode();
  }

  @Test
  void activitiesCanBeCreatedReadUpdatedLinkedAndDeleted() throws Exception {
    HttpResponse<String> created = call("POST", BASE, ADMIN, draft("GET", "/api/v1/skills"));
    long id = new JsonObject(created.body()).getLong("id");

    HttpResponse<String> one = call("GET", BASE + "/" + id, ADMIN, null);
    HttpResponse<String> updated = gateway.send(gateway.request(BASE + "/" + id)
        .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
        .header("If-Match", one.headers().firstValue("ETag").orElseThrow())
        .PUT(HttpRequest.BodyPublishers.ofString(draft("GET", "/api/v1/skills/[^/]+"))));
    HttpResponse<String> linked = call("PUT", BASE + "/" + id + "/permissions/view-skills", ADMIN, null);
    HttpResponse<String> unlinked = call("DELETE", BASE + "/" + id + "/permissions/view-roles", ADMIN, null);
    HttpResponse<String> list = call("GET", BASE, ADMIN, null);
    HttpResponse<String> deleted = call("DELETE", BASE + "/" + id, ADMIN, null);
    HttpResponse<String> gone = call("GET", BASE + "/" + id, ADMIN, null);

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValue(BASE + "/" + id);
    assertThat(new JsonObject(created.body()).getString("method")).isEqualTo("GET");
    assertThat(new JsonObject(one.body()).getString("urlRegex")).isEqualTo("/api/v1/skills");
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(new JsonObject(updated.body()).getString("urlRegex")).isEqualTo("/api/v1/skills/[^/]+");
    assertThat(new JsonObject(linked.body()).getJsonArray("permissions")).containsExactly("view-roles", "view-skills");
    assertThat(new JsonObject(unlinked.body()).getJsonArray("permissions")).containsExactly("view-skills");
    assertThat(new JsonArray(list.body()).size()).isGreaterThanOrEqualTo(1);
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(gone.body()).getString("error")).isEqualTo("not_found");
  }

  @Test
  void theAdminApiIsGuardedByTheActivityIndexLikeAnyRoute() throws Exception {
    HttpResponse<String> withoutPermission = call("GET", BASE, READER, null);
    HttpResponse<String> anonymous = gateway.get(BASE, null);

    assertThat(withoutPermission.statusCode()).isEqualTo(403);
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void badInputIsA400DuplicatesA409() throws Exception {
    HttpResponse<String> notJson = call("POST", BASE, ADMIN, "{\"method\": ");
    HttpResponse<String> array = call("POST", BASE, ADMIN, "[]");
    HttpResponse<String> noRegex = call("POST", BASE, ADMIN, "{\"method\":\"GET\"}");
    HttpResponse<String> rejectedPattern = call("POST", BASE, ADMIN, draft("GET", "(?i)/api"));
    HttpResponse<String> badId = call("GET", BASE + "/abc", ADMIN, null);
    call("POST", BASE, ADMIN, draft("GET", "/api/v1/ideas"));
    HttpResponse<String> duplicate = call("POST", BASE, ADMIN, draft("GET", "/api/v1/ideas"));
    String large = "{\"description\":\"" + "x".repeat(70_000) + "\"}";
    String tooLarge = RawHttp.exchange(gateway.port, "POST " + BASE + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer " + ADMIN + "\r\nContent-Type: application/json\r\nContent-Length: "
        + large.length() + "\r\n\r\n" + large);

    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(notJson.body()).getString("message")).startsWith("The request body is not valid JSON");
    assertThat(array.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(noRegex.body()).getString("message")).contains("urlRegex");
    assertThat(rejectedPattern.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(rejectedPattern.body()).getString("message")).isEqualTo("Inline flags are not allowed.");
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(duplicate.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(duplicate.body()).getString("error")).isEqualTo("conflict");
    assertThat(RawHttp.status(tooLarge)).isEqualTo(413);
  }

  @Test
  void explainNamesTheDecidingActivityOrWhyNot() throws Exception {
    String path = "/gatehouse/admin/explain";
    JsonObject allowed = new JsonObject(call("POST", path, ADMIN, new JsonObject().put("method", "GET")
        .put("path", "/api//v1/roles").put("permissions", new JsonArray().add("view-roles")).encode()).body());
    JsonObject denied = new JsonObject(call("POST", path, ADMIN, new JsonObject().put("method", "DELETE")
        .put("path", "/api/v1/roles").put("permissions", new JsonArray().add("view-roles")).encode()).body());
    JsonObject byToken = new JsonObject(call("POST", path, ADMIN, new JsonObject().put("method", "GET")
        .put("path", "/api/v1/users/1").put("token", GOOD).encode()).body());
    JsonObject badToken = new JsonObject(call("POST", path, ADMIN, new JsonObject().put("method", "GET")
        .put("path", "/api/v1/users/1").put("token", "forged").encode()).body());
    HttpResponse<String> both = call("POST", path, ADMIN, new JsonObject().put("method", "GET").put("path", "/")
        .put("token", GOOD).put("permissions", new JsonArray()).encode());

    assertThat(allowed.getBoolean("allowed")).isTrue();
    assertThat(allowed.getString("normalizedPath")).isEqualTo("/api/v1/roles");
    assertThat(allowed.getJsonObject("decidingActivity").getString("urlRegex")).isEqualTo("/api/v1/roles");
    assertThat(allowed.getString("reason")).contains("view-roles");
    assertThat(denied.getBoolean("allowed")).isFalse();
    assertThat(denied.getValue("decidingActivity")).isNull();
    assertThat(byToken.getBoolean("allowed")).isTrue();
    assertThat(badToken.getBoolean("allowed")).isFalse();
    assertThat(badToken.getString("reason")).contains("401");
    assertThat(both.statusCode()).isEqualTo(400);
  }
}
