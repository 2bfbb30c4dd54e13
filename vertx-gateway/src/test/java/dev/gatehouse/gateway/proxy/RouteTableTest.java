package dev.gatehouse.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.config.RouteConfig;
import dev.gatehouse.gateway.policy.Service;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private static final RouteConfig API = new RouteConfig("/api", URI.create("http://127.0.0.1:9001"), 1000);

  private static Service service(String name, String prefix, String... upstreams) {
    return new Service(name, prefix, List.of(upstreams).stream().map(URI::create).toList(), 2000, null, "", 1);
  }

  @Test
  void storedServicesJoinTheConfiguredRoutesLongestPrefixFirst() {
    RouteTable table = RouteTable.awaitingServices(List.of(API));
    table.update(List.of(service("billing", "/billing", "http://127.0.0.1:9002"),
        service("v2", "/api/v2", "http://127.0.0.1:9003")), (s, reason) -> { });

    assertThat(table.match("/api/v1/x").upstream().getPort()).isEqualTo(9001);
    assertThat(table.match("/api/v2/x").upstream().getPort()).isEqualTo(9003);
    assertThat(table.match("/billing").upstream().getPort()).isEqualTo(9002);
    assertThat(table.match("/billing/invoices").timeoutMillis()).isEqualTo(2000);
    assertThat(table.match("/billingx")).isNull();
  }

  @Test
  void aReloadReplacesTheTableWhole() {
    RouteTable table = RouteTable.awaitingServices(List.of(API));
    table.update(List.of(service("billing", "/billing", "http://127.0.0.1:9002")), (s, reason) -> { });
    table.update(List.of(), (s, reason) -> { });

    assertThat(table.match("/billing/x")).isNull();
    assertThat(table.match("/api")).isNotNull();
  }

  @Test
  void untilTheFirstLoadOnlyConfiguredRoutesExistAndTheTableSaysItIsNotLoaded() {
    RouteTable table = RouteTable.awaitingServices(List.of(API));

    assertThat(table.loaded()).isFalse();
    assertThat(table.match("/api/x")).isNotNull();
    table.update(List.of(), (s, reason) -> { });
    assertThat(table.loaded()).isTrue();
    assertThat(RouteTable.fromConfig(List.of(API)).loaded()).isTrue();
  }

  @Test
  void severalUpstreamsAreHandedOutRoundRobinSkippingUnhealthyOnes() {
    RouteTable table = RouteTable.fromConfig(List.of());
    table.update(List.of(service("billing", "/billing", "http://127.0.0.1:9001", "http://127.0.0.1:9002",
        "http://127.0.0.1:9003")), (s, reason) -> { });
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ports.add(table.match("/billing").upstream().getPort());
    }
    assertThat(ports).containsExactly(9001, 9002, 9003, 9001, 9002, 9003);

    table.routes().get(0).state(1).set(false);
    List<Integer> healthy = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      healthy.add(table.match("/billing").upstream().getPort());
    }
    assertThat(healthy).doesNotContain(9002).contains(9001, 9003);

    table.routes().get(0).state(0).set(false);
    table.routes().get(0).state(2).set(false);
    assertThat(table.match("/billing")).as("all failing their checks: still routed").isNotNull();
  }

  @Test
  void invalidServicesAndConfiguredPrefixesAreSkippedWithAReason() {
    RouteTable table = RouteTable.fromConfig(List.of(API));
    List<String> skipped = new ArrayList<>();
    table.update(List.of(service("shadowing", "/api", "http://127.0.0.1:9002"),
        service("broken", "/broken/", "http://127.0.0.1:9002"),
        service("fine", "/fine", "http://127.0.0.1:9004")), (s, reason) -> skipped.add(s.name() + ": " + reason));

    assertThat(skipped).hasSize(2);
    assertThat(skipped.get(0)).startsWith("shadowing").contains("configured route");
    assertThat(skipped.get(1)).startsWith("broken").contains("prefix");
    assertThat(table.match("/api").upstream().getPort()).isEqualTo(9001);
    assertThat(table.match("/fine").upstream().getPort()).isEqualTo(9004);
  }

  @Test
  void aServiceWithoutUpstreamsUnderAConfiguredRouteAddsNoRouteAndOneNotCoveredIsSkipped() {
    RouteTable table = RouteTable.fromConfig(List.of(API));
    List<String> skipped = new ArrayList<>();
    table.update(List.of(service("demo", "/api/v1"), service("lost", "/lost")),
        (s, reason) -> skipped.add(s.name() + ": " + reason));

    assertThat(skipped).singleElement().asString().startsWith("lost").contains("no upstreams")
        .contains("none covers /lost");
    assertThat(table.routes()).as("the configured route carries demo's traffic").extracting(RouteTable.Route::prefix)
        .containsExactly("/api");
    assertThat(table.match("/api/v1/roles").upstream().getPort()).isEqualTo(9001);
    assertThat(table.match("/lost")).isNull();
  }
}
