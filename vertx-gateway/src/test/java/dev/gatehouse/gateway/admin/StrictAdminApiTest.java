package dev.gatehouse.gateway.admin;

import static dev.gatehouse.gateway.testing.GatewayHarness.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.InMemoryActivityRepository;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The admin API takes input exactly as sent or refuses it with a clear error, and a refused request changes nothing:
 * after every refusal the stored activities are compared with what was there before.
 */
class StrictAdminApiTest {
  private static final String BASE = "/gatehouse/admin/activities";
  private static final String EXPLAIN = "/gatehouse/admin/explain";
  private static final AtomicInteger UNIQUE = new AtomicInteger();
  private static InMemoryActivityRepository repository;
  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    repository = new InMemoryActivityRepository();
    gateway = new GatewayHarness(repository);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @AfterEach
  void keycloakBack() {
    gateway.permissions.down(false);
  }

  private static HttpResponse<String> send(String method, String path, Map<String, String> headers, byte[] body)
      throws Exception {
    HttpRequest.Builder request = gateway.request(path).header("Authorization", "Bearer " + ADMIN);
    headers.forEach(request::header);
    return gateway.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private static HttpResponse<String> json(String method, String path, String body) throws Exception {
    return send(method, path, Map.of("Content-Type", "application/json"),
        body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  private static String uniqueRegex() {
    return "/api/strict/" + UNIQUE.incrementAndGet();
  }

  private static String activity(String method, String regex, String... permissions) {
    return new JsonObject().put("method", method).put("urlRegex", regex).put("description", "d")
        .put("permissions", new JsonArray(List.of((Object[]) permissions))).encode();
  }

  private static Activity create(String... permissions) throws Exception {
    HttpResponse<String> created = json("POST", BASE, activity("GET", uniqueRegex(), permissions));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return GatewayHarness.await(repository.find(new JsonObject(created.body()).getLong("id")));
  }

  private static List<Activity> stored() throws Exception {
    return GatewayHarness.await(repository.list());
  }

  /** Asserts the status, the error JSON shape, that the message mentions {@code mentions}, and returns the body. */
  private static JsonObject refused(HttpResponse<String> response, int status, String error, String mentions) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("message")).as("a message for people").containsIgnoringCase(mentions);
    return body;
  }

  @ParameterizedTest(name = "method {0}")
  @ValueSource(strings = {"get", "Get", " GET ", "GET ", "GET\\n", "\\tGET", "HEAD", "FETCH", ""})
  void theMethodIsTakenExactlyAsSentOrRefused(String written) throws Exception {
    String method = written.replace("\\n", "\n").replace("\\t", "\t");
    List<Activity> before = stored();

    HttpResponse<String> response = json("POST", BASE, activity(method, uniqueRegex(), "view-roles"));

    JsonObject error = refused(response, 400, "bad_request", "GET");
    if (!method.equals("HEAD")) {
      assertThat(error.getString("message")).contains("GET, POST, PUT, PATCH, DELETE");
    }
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void duplicateKeysAreRefusedSoWhatIsReviewedIsWhatIsStored() throws Exception {
    List<Activity> before = stored();

    HttpResponse<String> twice = json("POST", BASE, "{\"method\":\"GET\",\"urlRegex\":\"/api/harmless\","
        + "\"permissions\":[\"view-roles\"],\"urlRegex\":\"/api/.*\"}");
    HttpResponse<String> explainTwice = json("POST", EXPLAIN, "{\"method\":\"GET\",\"method\":\"DELETE\","
        + "\"path\":\"/api/v1/roles\",\"permissions\":[\"view-roles\"]}");

    refused(twice, 400, "bad_request", "'urlRegex' more than once");
    refused(explainTwice, 400, "bad_request", "'method' more than once");
    assertThat(stored()).isEqualTo(before);
  }

  @ParameterizedTest(name = "[{index}] Content-Type {0}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "NONE",
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/json-patch+json",
      "application/json; charset=iso-8859-1",
      "application/json; charset=utf-8; boundary=x",
      "text/json"})
  void bodiesThatAreNotDeclaredJsonAre415(String contentType) throws Exception {
    List<Activity> before = stored();
    Activity existing = create("view-roles");
    before = stored();
    Map<String, String> headers = contentType == null ? Map.of() : Map.of("Content-Type", contentType);
    byte[] body = activity("GET", uniqueRegex(), "view-roles").getBytes(StandardCharsets.UTF_8);
    Map<String, String> replaceHeaders = new java.util.HashMap<>(headers);
    replaceHeaders.put("If-Match", EntityTags.of(existing));

    HttpResponse<String> post = send("POST", BASE, headers, body);
    HttpResponse<String> put = send("PUT", BASE + "/" + existing.id(), replaceHeaders, body);
    HttpResponse<String> explain = send("POST", EXPLAIN, headers, "{\"method\":\"GET\",\"path\":\"/\",\"permissions\":[]}"
        .getBytes(StandardCharsets.UTF_8));

    for (HttpResponse<String> response : List.of(post, put, explain)) {
      refused(response, 415, "unsupported_media_type", "Content-Type: application/json");
    }
    assertThat(stored()).isEqualTo(before);
  }

  @ParameterizedTest(name = "[{index}] Content-Type {0}")
  @ValueSource(strings = {"application/json", "Application/JSON", "application/json;charset=UTF-8",
      "application/json; charset=\"utf-8\""})
  void jsonWithOrWithoutTheUtf8CharsetIsAccepted(String contentType) throws Exception {
    HttpResponse<String> post = send("POST", BASE, Map.of("Content-Type", contentType),
        activity("GET", uniqueRegex(), "view-roles").getBytes(StandardCharsets.UTF_8));

    assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
  }

  @Test
  void bodiesThatAreNotValidUtf8AreRefusedInsteadOfStoredWithReplacementCharacters() throws Exception {
    List<Activity> before = stored();
    byte[] prefix = ("{\"method\":\"GET\",\"urlRegex\":\"" + uniqueRegex() + "\",\"description\":\"caf")
        .getBytes(StandardCharsets.UTF_8);
    byte[] suffix = "\",\"permissions\":[\"view-roles\"]}".getBytes(StandardCharsets.UTF_8);
    List<byte[]> badBytes = List.of(new byte[] {(byte) 0xE9}, new byte[] {(byte) 0xC3, 0x28},
        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0xAF},
        new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80});

    for (byte[] bad : badBytes) {
      byte[] body = new byte[prefix.length + bad.length + suffix.length];
      System.arraycopy(prefix, 0, body, 0, prefix.length);
      System.arraycopy(bad, 0, body, prefix.length, bad.length);
      System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
      refused(send("POST", BASE, Map.of("Content-Type", "application/json"), body), 400, "bad_request",
          "not valid UTF-8");
    }
    refused(json("POST", BASE, activity("GET", uniqueRegex(), "view-roles").replace("\"d\"", "\"\\ud800x\"")), 400,
        "bad_request", "unpaired surrogate");
    refused(json("POST", BASE, activity("GET", uniqueRegex(), "view-roles").replace("\"d\"", "\"a\\u0000b\"")), 400,
        "bad_request", "control character U+0000");
    assertThat(stored()).isEqualTo(before);

    HttpResponse<String> good = json("POST", BASE, activity("GET", uniqueRegex(), "view-roles")
        .replace("\"d\"", "\"café \\ud83d\\ude00\""));
    assertThat(good.statusCode()).as(good.body()).isEqualTo(201);
    assertThat(new JsonObject(good.body()).getString("description")).isEqualTo("café \uD83D\uDE00");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "unknown field            | {\"method\":\"GET\",\"urlRegex\":\"/api/u\",\"permission\":[\"view-roles\"]}           | Unknown field \"permission\"",
      "field in another case    | {\"method\":\"GET\",\"urlregex\":\"/api/u\"}                                            | did you mean \"urlRegex\"",
      "method as a number       | {\"method\":1,\"urlRegex\":\"/api/u\"}                                                  | \"method\" must be a string, not a number",
      "regex as a list          | {\"method\":\"GET\",\"urlRegex\":[\"/api/u\"]}                                          | \"urlRegex\" must be a string, not a list",
      "description null         | {\"method\":\"GET\",\"urlRegex\":\"/api/u\",\"description\":null}                       | \"description\" must be a string, not null",
      "description a number     | {\"method\":\"GET\",\"urlRegex\":\"/api/u\",\"description\":5}                          | \"description\" must be a string, not a number",
      "permissions a string     | {\"method\":\"GET\",\"urlRegex\":\"/api/u\",\"permissions\":\"view-roles\"}             | must be a list of permission names",
      "permission a number      | {\"method\":\"GET\",\"urlRegex\":\"/api/u\",\"permissions\":[7]}                        | \"permissions\"[0] is a number",
      "permission an object     | {\"method\":\"GET\",\"urlRegex\":\"/api/u\",\"permissions\":[{}]}                       | \"permissions\"[0] is an object",
      "empty permission         | {\"method\":\"GET\",\"urlRegex\":\"/api/u\",\"permissions\":[\"\"]}                     | permission name is empty",
      "blank permission         | {\"method\":\"GET\",\"urlRegex\":\"/api/u\",\"permissions\":[\"  \"]}                   | permission name is empty",
      "padded permission        | {\"method\":\"GET\",\"urlRegex\":\"/api/u\",\"permissions\":[\" view-roles\"]}          | whitespace",
      "inner space permission   | {\"method\":\"GET\",\"urlRegex\":\"/api/u\",\"permissions\":[\"view roles\"]}           | whitespace",
      "comma in permission      | {\"method\":\"GET\",\"urlRegex\":\"/api/u\",\"permissions\":[\"a,b\"]}                  | ','",
      "permission listed twice  | {\"method\":\"GET\",\"urlRegex\":\"/api/u\",\"permissions\":[\"view-roles\",\"view-roles\"]} | more than once",
      "id on create             | {\"id\":9,\"method\":\"GET\",\"urlRegex\":\"/api/u\"}                                   | assigned by the gateway",
      "missing regex            | {\"method\":\"GET\"}                                                                    | \"urlRegex\" is missing",
      "trailing garbage         | {\"method\":\"GET\",\"urlRegex\":\"/api/u\"} x                                          | not valid JSON",
      "second object            | {\"method\":\"GET\",\"urlRegex\":\"/api/u\"}{}                                          | more after the JSON object",
      "top-level list           | [{\"method\":\"GET\",\"urlRegex\":\"/api/u\"}]                                          | not a list",
      "top-level string         | \"GET /api/u\"                                                                          | not a string",
      "top-level number         | 42                                                                                      | not a number",
      "top-level null           | null                                                                                    | not null",
      "empty body               | ``                                                                                      | Send a JSON object",
      "blank body               | `   `                                                                                   | Send a JSON object",
      "single quotes            | {'method':'GET','urlRegex':'/api/u'}                                                    | not valid JSON",
      "comment                  | {\"method\":\"GET\",/*x*/\"urlRegex\":\"/api/u\"}                                       | not valid JSON",
      "byte order mark          | \uFEFF{\"method\":\"GET\",\"urlRegex\":\"/api/u\"}                                      | not valid JSON",
      "deep nesting             | {\"method\":\"GET\",\"urlRegex\":\"/api/u\",\"description\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]} | nesting depth",
      "regex with control char  | {\"method\":\"GET\",\"urlRegex\":\"/api/\\u0001\"}                                      | control character U+0001",
      "regex too long           | {\"method\":\"GET\",\"urlRegex\":\"/LONG\"}                                             | limit is 512"})
  void malformedActivitiesAreRefusedWithAClearMessage(String name, String body, String mentions) throws Exception {
    List<Activity> before = stored();
    int asked = gateway.permissions.asked();

    HttpResponse<String> response = json("POST", BASE, body.replace("/LONG", "/" + "a".repeat(600)));

    refused(response, 400, "bad_request", mentions);
    assertThat(stored()).isEqualTo(before);
    assertThat(gateway.permissions.asked()).as("Keycloak is not asked about a request that is refused anyway")
        .isEqualTo(asked);
  }

  @Test
  void aVeryLongPermissionNameOrMethodIsRefusedWithoutEchoingItWhole() throws Exception {
    List<Activity> before = stored();

    HttpResponse<String> longPermission = json("POST", BASE, activity("GET", uniqueRegex(), "p".repeat(300)));
    HttpResponse<String> longMethod = json("POST", BASE, activity("G".repeat(30_000), uniqueRegex(), "view-roles"));
    HttpResponse<String> longLink = json("PUT", BASE + "/1/permissions/" + "p".repeat(300), null);

    refused(longPermission, 400, "bad_request", "longer than 255");
    refused(longLink, 400, "bad_request", "longer than 255");
    refused(longMethod, 400, "bad_request", "not supported");
    assertThat(longMethod.body().length()).isLessThan(500);
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void aReplacementMustSayEverythingAndNameItsOwnId() throws Exception {
    Activity existing = create("view-roles");
    List<Activity> before = stored();
    Map<String, String> headers = Map.of("Content-Type", "application/json", "If-Match", EntityTags.of(existing));

    HttpResponse<String> noPermissions = send("PUT", BASE + "/" + existing.id(), headers,
        "{\"method\":\"GET\",\"urlRegex\":\"/api/x\",\"description\":\"\"}".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> noDescription = send("PUT", BASE + "/" + existing.id(), headers,
        "{\"method\":\"GET\",\"urlRegex\":\"/api/x\",\"permissions\":[]}".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> otherId = send("PUT", BASE + "/" + existing.id(), headers, new JsonObject(
        activity("GET", "/api/x", "view-roles")).put("id", existing.id() + 1).encode().getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> idAsString = send("PUT", BASE + "/" + existing.id(), headers, new JsonObject(
        activity("GET", "/api/x", "view-roles")).put("id", "" + existing.id()).encode().getBytes(StandardCharsets.UTF_8));

    refused(noPermissions, 400, "bad_request", "\"permissions\" is missing");
    refused(noDescription, 400, "bad_request", "\"description\" is missing");
    refused(otherId, 400, "bad_request", "not the id in the path");
    refused(idAsString, 400, "bad_request", "not the id in the path");
    assertThat(stored()).isEqualTo(before);

    HttpResponse<String> sameId = send("PUT", BASE + "/" + existing.id(), headers, new JsonObject(
        activity("GET", uniqueRegex(), "view-roles")).put("id", existing.id()).encode().getBytes(StandardCharsets.UTF_8));
    assertThat(sameId.statusCode()).as("what GET returned can be sent back").isEqualTo(200);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"?debug=1", "?allowUnknownPermissions=yes", "?allowUnknownPermissions",
      "?allowUnknownPermissions=TRUE", "?allowUnknownPermissions=true&allowUnknownPermissions=true",
      "?AllowUnknownPermissions=true"})
  void unknownOrMalformedQueryParametersAreRefused(String query) throws Exception {
    Activity existing = create("view-roles");
    List<Activity> before = stored();

    HttpResponse<String> post = json("POST", BASE + query, activity("GET", uniqueRegex(), "view-roles"));
    HttpResponse<String> link = json("PUT", BASE + "/" + existing.id() + "/permissions/view-users" + query, null);

    refused(post, 400, "bad_request", "allowUnknownPermissions");
    refused(link, 400, "bad_request", "allowUnknownPermissions");
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void endpointsWithoutParametersOrBodiesRefuseThem() throws Exception {
    Activity existing = create("view-roles");
    List<Activity> before = stored();

    HttpResponse<String> listWithQuery = json("GET", BASE + "?page=2", null);
    HttpResponse<String> deleteWithQuery = json("DELETE", BASE + "/" + existing.id() + "?allowUnknownPermissions=true",
        null);
    HttpResponse<String> explainWithQuery = json("POST", EXPLAIN + "?verbose=true",
        "{\"method\":\"GET\",\"path\":\"/\",\"permissions\":[]}");
    HttpResponse<String> deleteWithBody = json("DELETE", BASE + "/" + existing.id(), "{\"id\":1}");
    HttpResponse<String> linkWithBody = json("PUT", BASE + "/" + existing.id() + "/permissions/view-users",
        "{\"permission\":\"view-users\"}");
    HttpResponse<String> unlinkWithBody = json("DELETE", BASE + "/" + existing.id() + "/permissions/view-roles", "{}");

    refused(listWithQuery, 400, "bad_request", "Unknown query parameter \"page\"; this endpoint takes none");
    refused(deleteWithQuery, 400, "bad_request", "takes none");
    refused(explainWithQuery, 400, "bad_request", "takes none");
    refused(deleteWithBody, 400, "bad_request", "takes no request body");
    refused(linkWithBody, 400, "bad_request", "takes no request body");
    refused(unlinkWithBody, 400, "bad_request", "takes no request body");
    assertThat(stored()).isEqualTo(before);
  }

  @ParameterizedTest(name = "id {0}")
  @ValueSource(strings = {"abc", "007", "-1", "+1", "0", "1.0", "99999999999999999999", "1e3"})
  void idsAreCanonicalWholeNumbers(String id) throws Exception {
    List<Activity> before = stored();

    refused(json("GET", BASE + "/" + id, null), 400, "bad_request", "whole numbers");
    refused(json("DELETE", BASE + "/" + id, null), 400, "bad_request", "whole numbers");
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void permissionsThatKeycloakDoesNotKnowAreRefusedUnlessTheRequestSaysSo() throws Exception {
    Activity existing = create("view-roles");
    List<Activity> before = stored();

    HttpResponse<String> typo = json("POST", BASE, activity("GET", uniqueRegex(), "view-roles", "veiw-users"));
    HttpResponse<String> replaced = send("PUT", BASE + "/" + existing.id(), Map.of("Content-Type", "application/json",
        "If-Match", EntityTags.of(existing)), activity("GET", uniqueRegex(), "export-reports")
        .getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> linked = json("PUT", BASE + "/" + existing.id() + "/permissions/export-reports", null);

    JsonObject error = refused(typo, 400, "unknown_permission", "no permission named 'veiw-users'");
    assertThat(error.getString("message")).contains("gatehouse-permissions", "allowUnknownPermissions=true");
    assertThat(error.getJsonArray("unknownPermissions")).containsExactly("veiw-users");
    refused(replaced, 400, "unknown_permission", "'export-reports'");
    refused(linked, 400, "unknown_permission", "'export-reports'");
    assertThat(stored()).isEqualTo(before);

    HttpResponse<String> createdAnyway = json("POST", BASE + "?allowUnknownPermissions=true",
        activity("GET", uniqueRegex(), "export-reports"));
    HttpResponse<String> linkedAnyway = json("PUT", BASE + "/" + existing.id()
        + "/permissions/export-reports?allowUnknownPermissions=true", null);
    HttpResponse<String> unlinked = json("DELETE", BASE + "/" + existing.id() + "/permissions/export-reports", null);
    HttpResponse<String> explicitFalse = json("POST", BASE + "?allowUnknownPermissions=false",
        activity("GET", uniqueRegex(), "export-reports"));

    assertThat(createdAnyway.statusCode()).as(createdAnyway.body()).isEqualTo(201);
    assertThat(new JsonObject(createdAnyway.body()).getJsonArray("permissions")).containsExactly("export-reports");
    assertThat(linkedAnyway.statusCode()).as(linkedAnyway.body()).isEqualTo(200);
    assertThat(unlinked.statusCode()).as("unlinking a name Keycloak does not know is always possible")
        .isEqualTo(200);
    refused(explicitFalse, 400, "unknown_permission", "'export-reports'");
  }

  @Test
  void whenKeycloakCannotBeAskedWritesAre503UnlessTheRequestSaysSo() throws Exception {
    Activity existing = create("view-roles");
    List<Activity> before = stored();
    gateway.permissions.down(true);

    HttpResponse<String> post = json("POST", BASE, activity("GET", uniqueRegex(), "view-roles"));
    HttpResponse<String> link = json("PUT", BASE + "/" + existing.id() + "/permissions/view-users", null);

    JsonObject error = refused(post, 503, "unavailable", "could not be checked");
    assertThat(error.getString("message")).contains("could not be reached", "Nothing was changed",
        "allowUnknownPermissions=true");
    assertThat(post.headers().firstValue("Retry-After")).isPresent();
    refused(link, 503, "unavailable", "could not be checked");
    assertThat(stored()).isEqualTo(before);

    HttpResponse<String> noPermissions = json("POST", BASE, activity("GET", uniqueRegex()));
    HttpResponse<String> overridden = json("POST", BASE + "?allowUnknownPermissions=true",
        activity("GET", uniqueRegex(), "view-roles"));
    HttpResponse<String> unlink = json("DELETE", BASE + "/" + existing.id() + "/permissions/view-roles", null);
    assertThat(noPermissions.statusCode()).as("nothing to check").isEqualTo(201);
    assertThat(overridden.statusCode()).isEqualTo(201);
    assertThat(unlink.statusCode()).isEqualTo(200);
  }

  @Test
  void activitiesCarryAnETagAndAStaleIfMatchIs412() throws Exception {
    Activity existing = create("view-roles");
    String path = BASE + "/" + existing.id();

    HttpResponse<String> read = json("GET", path, null);
    String etag = read.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).matches("\"[0-9]+\"");
    HttpResponse<String> linked = send("PUT", path + "/permissions/view-users", Map.of("If-Match", etag), null);
    String linkedTag = linked.headers().firstValue("ETag").orElseThrow();
    assertThat(linked.statusCode()).isEqualTo(200);
    assertThat(linkedTag).isNotEqualTo(etag);
    List<Activity> before = stored();

    // A read-modify-write client that still holds the first ETag loses nothing: its write is refused.
    HttpResponse<String> staleReplace = send("PUT", path, Map.of("Content-Type", "application/json", "If-Match", etag),
        activity("GET", uniqueRegex(), "view-roles").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> staleDelete = send("DELETE", path, Map.of("If-Match", etag), null);
    HttpResponse<String> staleUnlink = send("DELETE", path + "/permissions/view-users", Map.of("If-Match", etag), null);
    HttpResponse<String> weak = send("DELETE", path, Map.of("If-Match", "W/" + linkedTag), null);
    HttpResponse<String> missing = json("PUT", path, activity("GET", uniqueRegex(), "view-roles"));
    HttpResponse<String> malformed = send("DELETE", path, Map.of("If-Match", linkedTag.replace("\"", "")), null);

    refused(staleReplace, 412, "precondition_failed", "changed since you read it");
    assertThat(staleReplace.headers().firstValue("ETag")).hasValue(linkedTag);
    refused(staleDelete, 412, "precondition_failed", "changed since you read it");
    refused(staleUnlink, 412, "precondition_failed", "changed since you read it");
    refused(weak, 412, "precondition_failed", "changed since you read it");
    refused(missing, 428, "precondition_required", "If-Match");
    refused(malformed, 400, "bad_request", "If-Match");
    assertThat(stored()).isEqualTo(before);

    HttpResponse<String> replaced = send("PUT", path, Map.of("Content-Type", "application/json",
        "If-Match", "\"1\", " + linkedTag), activity("GET", uniqueRegex(), "view-roles").getBytes(StandardCharsets.UTF_8));
    String replacedTag = replaced.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> unconditional = send("PUT", path, Map.of("Content-Type", "application/json", "If-Match", "*"),
        activity("GET", uniqueRegex(), "view-roles").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> deleted = send("DELETE", path, Map.of("If-Match",
        unconditional.headers().firstValue("ETag").orElseThrow()), null);

    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    assertThat(replacedTag).isNotEqualTo(linkedTag);
    assertThat(unconditional.statusCode()).isEqualTo(200);
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(json("GET", path, null).statusCode()).isEqualTo(404);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "lower-case method     | {\"method\":\"get\",\"path\":\"/api/v1/roles\",\"permissions\":[\"view-roles\"]}  | exactly one of GET, HEAD",
      "padded method         | {\"method\":\" GET\",\"path\":\"/api/v1/roles\",\"permissions\":[\"view-roles\"]} | exactly one of GET, HEAD",
      "unknown field         | {\"method\":\"GET\",\"path\":\"/\",\"permissions\":[],\"user\":\"x\"}              | Unknown field \"user\"",
      "path a number         | {\"method\":\"GET\",\"path\":7,\"permissions\":[]}                                 | \"path\" must be a string",
      "empty path            | {\"method\":\"GET\",\"path\":\"\",\"permissions\":[]}                              | \"path\" is empty",
      "permission a number   | {\"method\":\"GET\",\"path\":\"/\",\"permissions\":[1]}                            | is a number",
      "empty permission      | {\"method\":\"GET\",\"path\":\"/\",\"permissions\":[\"\"]}                         | empty",
      "token a number        | {\"method\":\"GET\",\"path\":\"/\",\"token\":1}                                    | \"token\" must be a string",
      "token empty           | {\"method\":\"GET\",\"path\":\"/\",\"token\":\"\"}                                 | \"token\" is empty",
      "neither               | {\"method\":\"GET\",\"path\":\"/\"}                                                | exactly one of",
      "top-level list        | []                                                                                 | not a list"})
  void explainTakesItsInputExactlyToo(String name, String body, String mentions) throws Exception {
    refused(json("POST", EXPLAIN, body), 400, "bad_request", mentions);
  }

  @Test
  void explainStillAnswersWellFormedQuestions() throws Exception {
    HttpResponse<String> head = json("POST", EXPLAIN,
        "{\"method\":\"HEAD\",\"path\":\"/api/v1/roles\",\"permissions\":[\"view-roles\"]}");

    assertThat(head.statusCode()).as(head.body()).isEqualTo(200);
    assertThat(new JsonObject(head.body()).getBoolean("allowed")).as("HEAD is decided as GET").isTrue();
  }
}
