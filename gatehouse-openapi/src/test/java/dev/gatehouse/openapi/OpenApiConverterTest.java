package dev.gatehouse.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The spec-to-activities function, without a gateway: OpenAPI 3.0 and 3.1, each permission source, each refusal. */
class OpenApiConverterTest {
  private static final String SPEC_30 = """
      openapi: 3.0.3
      info: {title: items, version: "1"}
      components:
        securitySchemes:
          sso:
            type: oauth2
            flows:
              clientCredentials:
                tokenUrl: https://sso.example.com/token
                scopes: {view-items: read, manage-items: write}
          key: {type: apiKey, in: header, name: X-Key}
      paths:
        /items:
          get:
            summary: List items
            x-gatehouse-permissions: [view-items]
            responses: {"200": {description: ok}}
          post:
            operationId: createItem
            security: [{sso: [manage-items]}]
            responses: {"201": {description: created}}
          head:
            x-gatehouse-permissions: [view-items]
            responses: {"200": {description: ok}}
        /items/{id}:
          parameters:
            - {name: id, in: path, required: true, schema: {type: string}}
          get:
            operationId: readItem
            security: [{sso: [view-items]}, {sso: [manage-items]}]
            responses: {"200": {description: ok}}
          delete:
            operationId: deleteItem
            security: [{key: []}]
            responses: {"204": {description: gone}}
        /items/{id}/files/{name}.json:
          parameters:
            - {name: id, in: path, required: true, schema: {type: string}}
            - {name: name, in: path, required: true, schema: {type: string}}
          get:
            operationId: readFile
            x-gatehouse-permissions: view-items
            responses: {"200": {description: ok}}
      """;

  private static final String SPEC_31 = """
      {
        "openapi": "3.1.0",
        "info": {"title": "roles", "version": "1"},
        "paths": {
          "/v1/roles/{role}/users": {
            "parameters": [{"name": "role", "in": "path", "required": true, "schema": {"type": "string"}}],
            "get": {"x-gatehouse-permissions": ["view-roles"], "responses": {"200": {"description": "ok"}}}
          },
          "/v1/roles": {
            "post": {"operationId": "createRole", "x-gatehouse-permissions": ["manage-roles"],
                     "requestBody": {"content": {"application/json": {"schema": {"type": ["object", "null"]}}}},
                     "responses": {"201": {"description": "created"}}}
          }
        },
        "webhooks": {}
      }
      """;

  private static OpenApiConverter.Result convert(String spec, OpenApiConverter.Options options) {
    return OpenApiConverter.convert(OpenApiDocuments.parse(spec, "test.yaml"), options);
  }

  @Test
  void openApi30OperationsBecomeAnchoredOneSegmentRegexesWithPermissionsFromEachSource() {
    OpenApiConverter.Result result = convert(SPEC_30, new OpenApiConverter.Options(OpenApiConverter.Unmapped.FAIL,
        Map.of("deleteItem", List.of("manage-items"), "GET /unused", List.of("x")), ""));

    assertThat(result.activities()).extracting(a -> a.method() + " " + a.serviceRegex() + " " + a.permissions())
        .containsExactly(
            "DELETE /items/[^/]+ [manage-items]",
            "GET /items [view-items]",
            "GET /items/[^/]+ [manage-items, view-items]",
            "GET /items/[^/]+/files/[^/]+\\.json [view-items]",
            "POST /items [manage-items]");
    assertThat(result.activities().get(1).description()).isEqualTo("List items");
    assertThat(result.activities().get(4).description()).isEqualTo("createItem");
    assertThat(result.skipped()).anySatisfy(note -> assertThat(note).startsWith("HEAD /items: HEAD is decided as GET"))
        .anySatisfy(note -> assertThat(note).contains("\"GET /unused\" matches no operation"));

    String fileRegex = result.activities().get(3).serviceRegex();
    assertThat(Pattern.matches(fileRegex, "/items/7/files/report.json")).isTrue();
    assertThat(Pattern.matches(fileRegex, "/items/7/files/reportxjson")).as("the dot is literal").isFalse();
    String itemRegex = result.activities().get(2).serviceRegex();
    assertThat(Pattern.matches(itemRegex, "/items/7")).isTrue();
    assertThat(Pattern.matches(itemRegex, "/items/7/extra")).as("a template is exactly one segment").isFalse();
    assertThat(Pattern.matches(itemRegex, "/items/")).isFalse();
  }

  @Test
  void xGatehouseShadowMarksAnOperationsActivityAsShadowAndMustBeABoolean() {
    String shadowed = SPEC_30.replace("summary: List items\n",
        "summary: List items\n      x-gatehouse-shadow: true\n");
    OpenApiConverter.Result result = convert(shadowed, new OpenApiConverter.Options(OpenApiConverter.Unmapped.SKIP,
        Map.of(), ""));

    assertThat(result.activities()).filteredOn(ActivityDraft::shadow).extracting(a -> a.method() + " "
        + a.serviceRegex()).containsExactly("GET /items");
    assertThat(result.activities()).filteredOn(a -> !a.shadow()).isNotEmpty();
    assertThatThrownBy(() -> convert(shadowed.replace("x-gatehouse-shadow: true", "x-gatehouse-shadow: maybe"),
        OpenApiConverter.Options.defaults()))
        .isInstanceOf(SpecRefusedException.class)
        .hasMessageContaining("GET /items: x-gatehouse-shadow must be true or false, not maybe");
  }

  @Test
  void openApi31DocumentsAreReadToo() {
    OpenApiConverter.Result result = convert(SPEC_31, OpenApiConverter.Options.defaults());

    assertThat(result.activities()).extracting(a -> a.method() + " " + a.serviceRegex() + " " + a.permissions())
        .containsExactly("GET /v1/roles/[^/]+/users [view-roles]", "POST /v1/roles [manage-roles]");
  }

  @Test
  void stripPrefixMakesPathsRelativeToTheRoutePrefixAndRefusesPathsOutsideIt() {
    String spec = SPEC_31.replace("/v1/roles/{role}/users", "/api/v1/roles/{role}/users")
        .replace("\"/v1/roles\"", "\"/api/v1/roles\"");
    OpenApiConverter.Result result = convert(spec, new OpenApiConverter.Options(OpenApiConverter.Unmapped.FAIL,
        Map.of(), "/api"));
    assertThat(result.activities()).extracting(ActivityDraft::serviceRegex)
        .containsExactly("/v1/roles/[^/]+/users", "/v1/roles");

    assertThatThrownBy(() -> convert(SPEC_31, new OpenApiConverter.Options(OpenApiConverter.Unmapped.FAIL, Map.of(),
        "/api"))).isInstanceOf(SpecRefusedException.class).hasMessageContaining("does not start with --strip-prefix");
  }

  @Test
  void operationsWithoutPermissionsAreRefusedByDefaultAndListedOrSkippedOnRequest() {
    assertThatThrownBy(() -> convert(SPEC_30, OpenApiConverter.Options.defaults()))
        .isInstanceOf(SpecRefusedException.class)
        .hasMessageContaining("1 operation(s) have no permissions: DELETE /items/{id} (deleteItem)")
        .hasMessageContaining("--unmapped=skip");

    OpenApiConverter.Result skipped = convert(SPEC_30, new OpenApiConverter.Options(OpenApiConverter.Unmapped.SKIP,
        Map.of(), ""));
    assertThat(skipped.activities()).extracting(ActivityDraft::method).doesNotContain("DELETE");
    assertThat(skipped.skipped()).contains("DELETE /items/{id}: no permissions (--unmapped=skip)");
  }

  @Test
  void overlappingTemplatesWithDifferentPermissionsAreRefusedNamingBoth() {
    String spec = """
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /items/{id}:
            parameters:
              - {name: id, in: path, required: true, schema: {type: string}}
            get: {x-gatehouse-permissions: [view-items], responses: {"200": {description: ok}}}
          /items/new:
            get: {x-gatehouse-permissions: [manage-items], responses: {"200": {description: ok}}}
          /items/{id}/{part}:
            parameters:
              - {name: id, in: path, required: true, schema: {type: string}}
              - {name: part, in: path, required: true, schema: {type: string}}
            get: {x-gatehouse-permissions: [view-items], responses: {"200": {description: ok}}}
          /items/mine/{part}:
            parameters:
              - {name: part, in: path, required: true, schema: {type: string}}
            get: {x-gatehouse-permissions: [view-items], responses: {"200": {description: ok}}}
        """;

    assertThatThrownBy(() -> convert(spec, OpenApiConverter.Options.defaults()))
        .isInstanceOf(SpecRefusedException.class)
        .satisfies(e -> assertThat(((SpecRefusedException) e).problems()).singleElement().asString()
            .startsWith("GET /items/new [manage-items] and GET /items/{id} [view-items] overlap"));
  }

  @Test
  void scopesThatMustAllBeHeldAreRefusedBecauseActivitiesAllowOnAnyPermission() {
    String spec = SPEC_30.replace("security: [{sso: [manage-items]}]", "security: [{sso: [manage-items, view-items]}]");

    assertThatThrownBy(() -> convert(spec, new OpenApiConverter.Options(OpenApiConverter.Unmapped.SKIP, Map.of(), "")))
        .isInstanceOf(SpecRefusedException.class)
        .hasMessageContaining("POST /items: one security requirement needs ALL of the scopes [manage-items,"
            + " view-items]");
  }

  @Test
  void invalidDocumentsAreRefusedWithTheParsersMessages() {
    String missingInfo = """
        openapi: 3.0.3
        paths:
          /items:
            get: {x-gatehouse-permissions: [view-items], responses: {"200": {description: ok}}}
        """;
    String swagger2 = "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\npaths: {}\n";

    assertThatThrownBy(() -> OpenApiDocuments.parse(missingInfo, "broken.yaml"))
        .isInstanceOf(SpecRefusedException.class)
        .hasMessageStartingWith("The spec broken.yaml is not a valid OpenAPI 3.0/3.1 document")
        .hasMessageContaining("info");
    assertThatThrownBy(() -> OpenApiDocuments.parse("just: text", "text.yaml"))
        .isInstanceOf(SpecRefusedException.class);
    assertThatThrownBy(() -> OpenApiDocuments.parse(swagger2, "old.yaml"))
        .isInstanceOf(SpecRefusedException.class).hasMessageContaining("Swagger 2.0");
  }

  @Test
  void badPermissionValuesAndDuplicatePathsAreRefused() {
    String spec = """
        openapi: 3.0.3
        info: {title: t, version: "1"}
        paths:
          /a/{x}:
            parameters:
              - {name: x, in: path, required: true, schema: {type: string}}
            get: {x-gatehouse-permissions: [], responses: {"200": {description: ok}}}
          /b/{x}:
            parameters:
              - {name: x, in: path, required: true, schema: {type: string}}
            get: {x-gatehouse-permissions: [view-b], responses: {"200": {description: ok}}}
          /b/{y}:
            parameters:
              - {name: y, in: path, required: true, schema: {type: string}}
            get: {x-gatehouse-permissions: [view-b], responses: {"200": {description: ok}}}
          /c//d:
            get: {x-gatehouse-permissions: [view-c], responses: {"200": {description: ok}}}
        """;

    assertThatThrownBy(() -> convert(spec, OpenApiConverter.Options.defaults()))
        .isInstanceOf(SpecRefusedException.class)
        .satisfies(e -> assertThat(((SpecRefusedException) e).problems()).hasSize(3)
            .anySatisfy(p -> assertThat(p).contains("GET /a/{x}: the permission list is empty"))
            .anySatisfy(p -> assertThat(p).contains("GET /b/{y} and GET /b/{x} are the same path template"))
            .anySatisfy(p -> assertThat(p).contains("\"/c//d\" has an empty segment")));
  }
}
