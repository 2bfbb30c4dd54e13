package dev.gatehouse.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ServiceRulesTest {
  private static Service service(String name, String prefix, List<String> upstreams, long timeout,
      Service.HealthCheck check) {
    return new Service(name, prefix, upstreams.stream().map(URI::create).toList(), timeout, check, "", 0);
  }

  private static Service valid() {
    return service("billing", "/billing", List.of("http://127.0.0.1:8080", "https://billing-2.internal"), 30_000,
        new Service.HealthCheck("/health", 5_000));
  }

  @Test
  void aWellFormedServiceIsAccepted() {
    assertThatCode(() -> ServiceRules.validate(valid())).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Billing", "-billing", "bill_ing", "bill ing", "a-very-long-name-that-goes-on-and-on-"
      + "and-on-beyond-sixty-three-characters"})
  void badNamesAreRefused(String name) {
    Service bad = service(name, "/billing", List.of("http://127.0.0.1:8080"), 1000, null);
    assertThatThrownBy(() -> ServiceRules.validate(bad)).isInstanceOf(InvalidServiceException.class)
        .hasMessageContaining("service name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "billing", "/billing/", "/a//b", "/a/../b", "/a?b", "/a%2Fb", "/a;b", "/a b",
      "/gatehouse", "/gatehouse/x", "/auth", "/health/x", "/metrics"})
  void badOrReservedPrefixesAreRefused(String prefix) {
    Service bad = service("billing", prefix, List.of("http://127.0.0.1:8080"), 1000, null);
    assertThatThrownBy(() -> ServiceRules.validate(bad)).isInstanceOf(InvalidServiceException.class)
        .hasMessageContaining("prefix");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://host", "http://", "http://host/path", "http://host?x=1", "http://host#f",
      "http://user:pw@host", "//host:80", "http://host:0"})
  void upstreamsWithMoreThanSchemeHostAndPortAreRefused(String upstream) {
    assertThatThrownBy(() -> ServiceRules.parseUpstream(upstream)).isInstanceOf(InvalidServiceException.class)
        .hasMessageContaining("upstream");
  }

  @Test
  void upstreamListsHoldUpToSixteenDistinctEntries() {
    List<String> seventeen = java.util.stream.IntStream.rangeClosed(1, 17).mapToObj(i -> "http://h:" + i).toList();
    assertThatThrownBy(() -> ServiceRules.validate(service("b", "/b", seventeen, 1000, null)))
        .hasMessageContaining("up to 16");
    assertThatThrownBy(() -> ServiceRules.validate(new Service("b", "/b", null, 1000, null, "", 0)))
        .hasMessageContaining("up to 16");
    assertThatThrownBy(() -> ServiceRules.validate(service("b", "/b", List.of("http://h:1", "http://h:1"), 1000,
        null))).hasMessageContaining("more than once");
  }

  @Test
  void aServiceWithoutUpstreamsIsRoutedByConfigurationAndHasNoHealthCheck() {
    Service demo = service("demo", "/api/v1", List.of(), 1000, null);
    assertThat(demo.routedByConfiguration()).isTrue();
    assertThat(valid().routedByConfiguration()).isFalse();
    assertThatCode(() -> ServiceRules.validate(demo)).doesNotThrowAnyException();
    assertThatThrownBy(() -> ServiceRules.validate(service("demo", "/api/v1", List.of(), 1000,
        new Service.HealthCheck("/health", 5_000)))).isInstanceOf(InvalidServiceException.class)
        .hasMessageContaining("no upstream to check");
  }

  @Test
  void withoutUpstreamsAConfiguredRouteOtherThanTheCatchAllMustCoverThePrefix() {
    Service demo = service("demo", "/api/v1", List.of(), 1000, null);
    assertThatCode(() -> ServiceRules.validateRouting(demo, Set.of("/api"))).doesNotThrowAnyException();
    assertThatCode(() -> ServiceRules.validateRouting(demo, Set.of("/api/v1"))).doesNotThrowAnyException();
    assertThatThrownBy(() -> ServiceRules.validateRouting(demo, Set.of("/ap", "/api/v1/x", "/")))
        .isInstanceOf(InvalidServiceException.class)
        .hasMessageContaining("Service 'demo' has no upstreams")
        .hasMessageContaining("none covers /api/v1")
        .hasMessageContaining("[/, /ap, /api/v1/x]");
    assertThatThrownBy(() -> ServiceRules.validateRouting(demo, Set.of())).isInstanceOf(InvalidServiceException.class);
    assertThat(ServiceRules.configuredRouteCovering("/api/v1/x", Set.of("/", "/api", "/api/v1", "/api/v2")))
        .isEqualTo("/api/v1");
    assertThat(ServiceRules.configuredRouteCovering("/apix", Set.of("/", "/api"))).isNull();
  }

  @Test
  void withUpstreamsAConfiguredRoutesExactPrefixIsRefusedButAPrefixUnderItIsNot() {
    Service billing = service("billing", "/api", List.of("http://h:1"), 1000, null);
    assertThatThrownBy(() -> ServiceRules.validateRouting(billing, Set.of("/api")))
        .isInstanceOf(ServiceConflictException.class).hasMessageContaining("is a route in the gateway's configuration");
    assertThatCode(() -> ServiceRules.validateRouting(service("v2", "/api/v2", List.of("http://h:1"), 1000, null),
        Set.of("/api"))).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/v1", "/api/v1/roles", "/api/v1/roles/[^/]+", "/api/v1/+x", "/api/v1/(a|b)"})
  void aRegexUnderThePrefixIsAccepted(String regex) {
    assertThatCode(() -> ServiceRules.validateRegexUnder("/api/v1", regex)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/v2/roles", "/api/v1x", "/api/v1[0-9]", "/api/v1/?x", "/api/v1/*", "/api/v1/{0,1}x",
      "/api/v1/a|/evil", "/api/v1|/b", "/api/.1/x", "/api"})
  void aRegexThatCouldMatchOutsideThePrefixIsRefused(String regex) {
    assertThatThrownBy(() -> ServiceRules.validateRegexUnder("/api/v1", regex))
        .isInstanceOf(InvalidServiceException.class).hasMessageContaining("must lie under the service's route prefix");
  }

  @Test
  void aPrefixWithRegexMetacharactersIsMatchedAsWritten() {
    assertThat(ServiceRules.quotedPrefix("/v1.0/a+b")).isEqualTo("/v1\\.0/a\\+b");
    assertThatCode(() -> ServiceRules.validateRegexUnder("/v1.0", "/v1\\.0/x")).doesNotThrowAnyException();
    assertThatThrownBy(() -> ServiceRules.validateRegexUnder("/v1.0", "/v1.0/x"))
        .isInstanceOf(InvalidServiceException.class);
  }

  @Test
  void timeoutAndHealthCheckAreBounded() {
    assertThatThrownBy(() -> ServiceRules.validate(service("b", "/b", List.of("http://h:1"), 0, null)))
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> ServiceRules.validate(service("b", "/b", List.of("http://h:1"), 600_001, null)))
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> ServiceRules.validate(service("b", "/b", List.of("http://h:1"), 1000,
        new Service.HealthCheck("health", 5_000)))).hasMessageContaining("health check path");
    assertThatThrownBy(() -> ServiceRules.validate(service("b", "/b", List.of("http://h:1"), 1000,
        new Service.HealthCheck("/health", 999)))).hasMessageContaining("interval");
  }
}
