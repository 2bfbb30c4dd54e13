package dev.gatehouse.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.gateway.config.RouteConfig;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.MultiMap;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProxyRulesTest {
  private static RouteConfig route(String prefix) {
    return new RouteConfig(prefix, URI.create("http://" + prefix.replace("/", "x") + ":80"), 1000);
  }

  @Test
  void theLongestCoveringPrefixWinsAndPrefixesRespectSegments() {
    RouteTable routes = RouteTable.fromConfig(List.of(route("/api"), route("/api/v2"), route("/")));

    assertThat(routes.match("/api/v2/users").prefix()).isEqualTo("/api/v2");
    assertThat(routes.match("/api/v2").prefix()).isEqualTo("/api/v2");
    assertThat(routes.match("/api/v20").prefix()).isEqualTo("/api");
    assertThat(routes.match("/apix").prefix()).isEqualTo("/");
    assertThat(RouteTable.fromConfig(List.of(route("/api"))).match("/apix")).isNull();
  }

  @Test
  void identityHeadersAreSortedAndSafe() {
    IdentityHeaders headers = new IdentityHeaders("X-Auth-", 32 * 1024);
    VerifiedToken token = new VerifiedToken("sub\r\nX-Evil: 1", "zoë", "a@b.c", Set.of("b", "a", "c,d"),
        Set.of("fellow"), "app", 1);

    Map<String, String> set = headers.forToken(token);

    assertThat(set).containsExactly(
        Map.entry("X-Auth-Subject", "sub%0D%0AX-Evil: 1"),
        Map.entry("X-Auth-Username", "zo%C3%AB"),
        Map.entry("X-Auth-Email", "a@b.c"),
        Map.entry("X-Auth-Permissions", "a,b,c%2Cd"),
        Map.entry("X-Auth-Roles", "fellow"));
  }

  @Test
  void anApiTokenCallNamesTheApiTokenAndOnlyThen() {
    IdentityHeaders headers = new IdentityHeaders("X-Auth-", 32 * 1024);
    VerifiedToken viaApiToken = new VerifiedToken("s", "u", "e", Set.of("p"), Set.of("r"), "gateway", 1,
        "0f8c2c1e-7c1d-4a4e-9d8f-2b1c3d4e5f60");
    VerifiedToken viaLogin = new VerifiedToken("s", "u", "e", Set.of("p"), Set.of("r"), "app", 1);

    assertThat(headers.forToken(viaApiToken)).containsEntry("X-Auth-Api-Token-Id",
        "0f8c2c1e-7c1d-4a4e-9d8f-2b1c3d4e5f60");
    assertThat(headers.forToken(viaLogin)).doesNotContainKey("X-Auth-Api-Token-Id");
  }

  @Test
  void fiveHundredPermissionsFitTheDefaultBoundButNotASmallOne() {
    Set<String> permissions = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      permissions.add("permission-name-" + i);
    }
    VerifiedToken token = new VerifiedToken("s", "u", "e", permissions, Set.of(), "app", 1);

    Map<String, String> set = new IdentityHeaders("X-Auth-", 32 * 1024).forToken(token);

    // ~19 bytes per name: 500 names are about 10 KB, so the 32 KiB default leaves room.
    assertThat(IdentityHeaders.byteSize(set)).isBetween(9_000, 12_000);
    assertThatThrownBy(() -> new IdentityHeaders("X-Auth-", 8 * 1024).forToken(token))
        .isInstanceOf(IdentityTooLargeException.class).hasMessageContaining("identity.maxHeaderBytes");
  }

  @Test
  void inboundIdentityHeadersAreStrippedInAnyCase() {
    MultiMap inbound = MultiMap.caseInsensitiveMultiMap()
        .add("X-Auth-Subject", "a").add("x-auth-subject", "b").add("X-AUTH-PERMISSIONS", "admin")
        .add("X-Authority", "not of the family: kept").add("Accept", "application/json");

    new IdentityHeaders("X-Auth-", 1024).stripInbound(inbound);

    assertThat(inbound.names()).containsExactlyInAnyOrder("X-Authority", "Accept");
  }

  @Test
  void onlyTheGatewayCookieIsRemoved() {
    assertThat(CookieHeaders.without("a=1; jwt-token=xyz; b=2", "jwt-token")).isEqualTo("a=1; b=2");
    assertThat(CookieHeaders.without("jwt-token=xyz", "jwt-token")).isNull();
    assertThat(CookieHeaders.without("jwt-token-other=1;jwt-token=2", "jwt-token")).isEqualTo("jwt-token-other=1");
  }
}
