package dev.gatehouse.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.openapi.ActivityDraft;
import dev.gatehouse.openapi.OpenApiConverter;
import dev.gatehouse.openapi.OpenApiDocuments;
import dev.gatehouse.openapi.PathTemplate;
import dev.gatehouse.demo.DemoService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The demo service's OpenAPI document and the activity seed tell the same story: converted as
 * {@code gatehouse import-openapi} converts it, under the prefix {@code /api/v1}, it gives exactly the seeded
 * {@code /api/v1} activities of realm-config/activities.json (method, path, permissions, description). The seed writes
 * a parameter segment {@code [^/?#]+}, the converter {@code [^/]+}: the same set of normalised paths (which hold no
 * '?' or '#').
 */
class DemoOpenApiTest {
  private static final String PREFIX = DemoService.DEFAULT_BASE_PATH;

  @Test
  void importingTheDemoDocumentReproducesTheSeededActivities() throws IOException {
    JsonNode seed = new ObjectMapper().readTree(RepositoryFiles.root().resolve("realm-config/activities.json")
        .toFile());
    List<String> seeded = new ArrayList<>();
    for (JsonNode activity : seed) {
      String regex = activity.path("url_regex").asText();
      if (regex.startsWith(PREFIX + "/")) {
        TreeSet<String> permissions = new TreeSet<>();
        activity.path("permissions").forEach(p -> permissions.add(p.asText()));
        seeded.add(activity.path("method").asText() + " " + regex.replace("[^/?#]+", PathTemplate.SEGMENT) + " "
            + permissions + " " + activity.path("description").asText());
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
