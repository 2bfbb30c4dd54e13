package dev.gatehouse.gateway.policy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
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
  void upstreamListsMustHaveOneToSixteenDistinctEntries() {
    assertThatThrownBy(() -> ServiceRules.validate(service("b", "/b", List.of(), 1000, null)))
        .hasMessageContaining("1 to 16");
    assertThatThrownBy(() -> ServiceRules.validate(service("b", "/b", List.of("http://h:1", "http://h:1"), 1000,
        null))).hasMessageContaining("more than once");
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
