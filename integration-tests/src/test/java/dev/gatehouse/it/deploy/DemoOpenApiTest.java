package dev.gatehouse.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.openapi.ActivityDraft;
import dev.gatehouse.openapi.OpenApiConverter;
import dev.gatehouse.openapi.OpenApiDocuments;
import dev.gatehouse.demo.DemoService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The demo service's OpenAPI document and the activity seed tell the same story: converted as
 * {@code gatehouse import-openapi} converts it, under the prefix {@code /api/v1}, it gives exactly the seeded
 * activities of the seed's {@code demo} service in realm-config/activities.json (method, regex, permissions,
 * description), so importing it into {@code demo} plans no change (OnboardingIT runs that import for real).
 */
class DemoOpenApiTest {
  private static final String PREFIX = DemoService.DEFAULT_BASE_PATH;

  @Test
  void importingTheDemoDocumentReproducesTheSeededActivities() throws IOException {
    JsonNode seed = new ObjectMapper().readTree(RepositoryFiles.root().resolve("realm-config/activities.json")
        .toFile());
    assertThat(seed.path("services").findValuesAsText("name")).containsExactly("demo");
    JsonNode demo = seed.path("services").get(0);
    assertThat(demo.path("routePrefix").asText()).isEqualTo(PREFIX);
    assertThat(demo.path("upstreams")).as("routed by the configured /api route").isEmpty();
    List<String> seeded = new ArrayList<>();
    for (JsonNode activity : seed.path("activities")) {
      String regex = activity.path("url_regex").asText();
      assertThat(activity.path("service").asText(null)).as(regex)
          .isEqualTo(regex.startsWith(PREFIX + "/") ? "demo" : null);
      if (regex.startsWith(PREFIX + "/")) {
        TreeSet<String> permissions = new TreeSet<>();
        activity.path("permissions").forEach(p -> permissions.add(p.asText()));
        seeded.add(activity.path("method").asText() + " " + regex + " " + permissions + " "
            + activity.path("description").asText());
      }
    }

    List<ActivityDraft> imported = OpenApiConverter.convert(
        OpenApiDocuments.parse(DemoService.openApiDocument(PREFIX), "the demo's openapi.yaml"),
        OpenApiConverter.Options.defaults()).activities();

    assertThat(imported).extracting(a -> a.method() + " " + PREFIX + a.serviceRegex() + " " + a.permissions() + " "
        + a.description()).containsExactlyInAnyOrderElementsOf(seeded);
    assertThat(seeded).hasSize(30);
    assertThat(imported).noneMatch(ActivityDraft::shadow);
  }
}
