package dev.gatehouse.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Both forms of the seed file, and every way it is refused (with the entry's position and the reason). */
class ActivitySeedFileTest {
  private static final String DEMO = """
      {"name": "demo", "routePrefix": "/api/v1", "upstreams": []}""";

  private static ActivitySeed parse(String json) throws Exception {
    return ActivitySeedFile.parse(json, "seed.json");
  }

  private static String objectForm(String services, String activities) {
    return "{\"services\": [" + services + "], \"activities\": [" + activities + "]}";
  }

  @Test
  void theListFormIsGlobalActivitiesAsBefore() throws Exception {
    ActivitySeed seed = parse("""
        [{"method": "GET", "url_regex": "/api/v1/roles/[^/?#]+", "description": "Read a role",
          "permissions": ["view-roles"]},
         {"method": "POST", "url_regex": "/x"}]""");

    assertThat(seed.services()).isEmpty();
    assertThat(seed.activities()).containsExactly(
        new ActivityDefinition("GET", "/api/v1/roles/[^/?#]+", "Read a role", Set.of("view-roles")),
        new ActivityDefinition("POST", "/x", "", Set.of()));
  }

  @Test
  void theObjectFormDeclaresServicesAndActivitiesThatBelongToThem() throws Exception {
    ActivitySeed seed = parse(objectForm(DEMO + """
        , {"name": "billing", "routePrefix": "/billing", "upstreams": ["http://billing:8080"], "timeoutMillis": 5000,
           "healthCheck": {"path": "/health", "intervalMillis": 2000}, "description": "Invoices"}""", """
        {"method": "GET", "url_regex": "/api/v1/roles/[^/]+", "service": "demo", "permissions": ["view-roles"]},
        {"method": "GET", "url_regex": "/billing/invoices", "service": "billing"},
        {"method": "GET", "url_regex": "/gatehouse/admin/services", "permissions": ["manage-activities"]}"""));

    assertThat(seed.services()).containsExactly(
        new Service("demo", "/api/v1", List.of(), 30_000, null, "", 0),
        new Service("billing", "/billing", List.of(java.net.URI.create("http://billing:8080")), 5000,
            new Service.HealthCheck("/health", 2000), "Invoices", 0));
    assertThat(seed.activities()).extracting(ActivityDefinition::service).containsExactly("demo", "billing", null);
    assertThat(seed.activities()).noneMatch(ActivityDefinition::shadow);
    assertThat(parse("{\"activities\": []}")).isEqualTo(new ActivitySeed(List.of(), List.of()));
  }

  @Test
  void theRealmSeedDeclaresTheDemoServiceRoutedByConfigurationWithItsThirtyActivities() throws Exception {
    ActivitySeed seed = ActivitySeedFile.read(Path.of(System.getProperty("gatehouse.root", ".."))
        .resolve("realm-config/activities.json"));

    assertThat(seed.services()).singleElement().satisfies(demo -> {
      assertThat(demo.name()).isEqualTo("demo");
      assertThat(demo.routePrefix()).isEqualTo("/api/v1");
      assertThat(demo.routedByConfiguration()).isTrue();
    });
    assertThat(seed.activities().stream().filter(a -> "demo".equals(a.service()))).hasSize(30)
        .allMatch(a -> a.urlRegex().startsWith("/api/v1/"));
    assertThat(seed.activities().stream().filter(a -> a.service() == null))
        .allMatch(a -> a.urlRegex().startsWith("/gatehouse/admin/"));
    assertThatCode(() -> seed.validateRouting(Set.of("/api"), "seed")).as("every environment routes /api")
        .doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a number                        | 42                                                           | must hold a JSON list of activities, or an object
      an unknown top-level field      | {"activities": [], "service": []}                           | seed.json has an unknown field 'service'
      no activities                   | {"services": []}                                            | "activities" must be a list
      services not a list             | {"services": {}, "activities": []}                          | "services" must be a list
      a service not an object         | {"services": [1], "activities": []}                         | seed.json services[0] is not a JSON object
      an unknown service field        | {"services": [{"name": "a", "routePrefix": "/a", "upstreams": [], "upstream": "x"}], "activities": []} | seed.json services[0] (a): The service has an unknown field 'upstream'
      a service without name          | {"services": [{"routePrefix": "/a", "upstreams": []}], "activities": []} | services[0]: "name" is missing
      a name that is not a string     | {"services": [{"name": 7, "routePrefix": "/a", "upstreams": []}], "activities": []} | "name" must be a string
      a bad service name              | {"services": [{"name": "A", "routePrefix": "/a", "upstreams": []}], "activities": []} | services[0] (A): A service name is 1 to 63
      no upstreams field              | {"services": [{"name": "a", "routePrefix": "/a"}], "activities": []} | services[0] (a): "upstreams" must be a list
      an upstream with a path         | {"services": [{"name": "a", "routePrefix": "/a", "upstreams": ["http://h/p"]}], "activities": []} | no path
      an upstream not a string        | {"services": [{"name": "a", "routePrefix": "/a", "upstreams": [1]}], "activities": []} | upstream URLs are strings
      a bad prefix                    | {"services": [{"name": "a", "routePrefix": "/a/", "upstreams": []}], "activities": []} | services[0] (a): The route prefix must be
      a timeout that is text          | {"services": [{"name": "a", "routePrefix": "/a", "upstreams": [], "timeoutMillis": "5"}], "activities": []} | "timeoutMillis" must be a whole number
      a health check without upstream | {"services": [{"name": "a", "routePrefix": "/a", "upstreams": [], "healthCheck": {"path": "/h", "intervalMillis": 5000}}], "activities": []} | no upstream to check
      an unknown health check field   | {"services": [{"name": "a", "routePrefix": "/a", "upstreams": ["http://h:1"], "healthCheck": {"path": "/h", "every": 5}}], "activities": []} | "healthCheck" has an unknown field 'every'
      a name used twice               | {"services": [{"name": "a", "routePrefix": "/a", "upstreams": []}, {"name": "a", "routePrefix": "/b", "upstreams": []}], "activities": []} | services[1]: the name 'a' is used twice
      a prefix used twice             | {"services": [{"name": "a", "routePrefix": "/a", "upstreams": []}, {"name": "b", "routePrefix": "/a", "upstreams": []}], "activities": []} | services[1]: the route prefix /a is used twice
      an activity not an object       | {"activities": ["GET /a"]}                                  | seed.json activities[0] is not a JSON object
      an unknown activity field       | {"activities": [{"method": "GET", "url_regex": "/a"}, {"method": "GET", "urlRegex": "/b"}]} | seed.json activities[1] has an unknown field 'urlRegex'
      an invalid activity             | {"activities": [{"method": "get", "url_regex": "/a"}]}      | seed.json activities[0] (get /a)
      an undeclared service           | {"activities": [{"method": "GET", "url_regex": "/a", "service": "a"}]} | activities[0] (GET /a): 'service' names 'a', which this file does not declare
      a regex outside its service     | {"services": [{"name": "a", "routePrefix": "/a", "upstreams": []}], "activities": [{"method": "GET", "url_regex": "/ab", "service": "a"}]} | activities[0] (GET /ab): The regex must lie under the service's route prefix /a
      an activity listed twice        | {"activities": [{"method": "GET", "url_regex": "/a"}, {"method": "GET", "url_regex": "/a"}]} | activities[1] (GET /a) is listed twice
      a service in the list form      | [{"method": "GET", "url_regex": "/a", "service": "a"}]      | seed.json entry 0 has an unknown field 'service'
      a bad list entry                | [{"method": "GET", "url_regex": "/a", "permissions": "x"}]  | seed.json entry 0: 'permissions' must be a list
      """)
  void aBadSeedIsRefusedWithThePositionAndTheReason(String what, String json, String message) {
    assertThatThrownBy(() -> parse(json)).as(what)
        .isInstanceOfAny(InvalidActivityException.class, InvalidServiceException.class)
        .hasMessageContaining(message);
  }

  @Test
  void seedServicesMustFitTheConfiguredRoutes() throws Exception {
    ActivitySeed seed = parse(objectForm(DEMO + """
        , {"name": "billing", "routePrefix": "/billing", "upstreams": ["http://billing:8080"]}""", ""));

    assertThatCode(() -> seed.validateRouting(Set.of("/api", "/other"), "seed.json")).doesNotThrowAnyException();
    assertThatThrownBy(() -> seed.validateRouting(Set.of("/"), "seed.json"))
        .isInstanceOf(InvalidServiceException.class)
        .hasMessageContaining("seed.json services[0] (demo): Service 'demo' has no upstreams")
        .hasMessageContaining("none covers /api/v1");
    assertThatThrownBy(() -> seed.validateRouting(Set.of("/api", "/billing"), "seed.json"))
        .isInstanceOf(InvalidServiceException.class)
        .hasMessageContaining("seed.json services[1] (billing): The route prefix /billing is a route in the gateway's"
            + " configuration");
  }
}
