package dev.gatehouse.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.login.OriginCheck.Deny;
import dev.gatehouse.gateway.login.OriginCheck.Pass;
import io.vertx.core.MultiMap;
import io.vertx.core.net.HostAndPort;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class OriginCheckTest {

  private static final String SESSION = "theme=dark; jwt-token=a.b.c";
  private static final String WS = "Upgrade: websocket";
  private static final HostAndPort GATEWAY = HostAndPort.create("api.gatehouse.test", 8443);
  private static final CredentialExtractor CREDENTIALS = new CredentialExtractor();
  private final OriginCheck withLogin = new OriginCheck(
      new RedirectTargets("gatehouse.test", Set.of("https://partner.example.org"), Set.of(), false), CREDENTIALS);
  private final OriginCheck withoutLogin = OriginCheck.sameOriginOnly(CREDENTIALS);

  static Stream<Arguments> withLoginCases() {
    return Stream.of(
        // method, headers ("Name: value" pairs; a repeated name is sent twice), passes
        arguments("GET", headers("Cookie: " + SESSION), true),
        arguments("HEAD", headers("Sec-Fetch-Site: same-origin", "Cookie: " + SESSION), true),
        arguments("POST", headers("Origin: https://app.gatehouse.test", "Cookie: " + SESSION), true),
        arguments("DELETE", headers("Origin: https://gatehouse.test", "Cookie: " + SESSION), true),
        arguments("PUT", headers("Origin: https://partner.example.org", "Sec-Fetch-Site: cross-site",
            "Cookie: " + SESSION), true),
        arguments("PATCH", headers("Sec-Fetch-Site: same-origin", "Cookie: " + SESSION), true),
        arguments("POST", headers("Sec-Fetch-Site: same-site", "Cookie: gatehouse-refresh=r"), true),
        arguments("POST", headers("Origin: https://api.gatehouse.test:8443", "Cookie: " + SESSION), true),
        arguments("POST", headers("Origin: https://evil.com", "Authorization: Bearer x.y.z", "Cookie: " + SESSION), false),
        arguments("POST", headers("Origin: https://evil.com", "Authorization: Bearer a.b.c", "Cookie: " + SESSION), true),
        arguments("POST", headers("Origin: https://evil.com", "Authorization: Bearer x.y.z"), true),
        arguments("POST", headers("Origin: https://evil.com", "Cookie: theme=dark"), true),
        arguments("POST", headers("Origin: https://evil.com"), true),
        arguments("POST", headers("Origin: https://evil.com", "Cookie: " + SESSION), false),
        arguments("POST", headers("Origin: https://evil.com", "Sec-Fetch-Site: same-site", "Cookie: " + SESSION), false),
        arguments("POST", headers("Origin: null", "Cookie: " + SESSION), false),
        arguments("DELETE", headers("Origin: http://app.gatehouse.test", "Cookie: " + SESSION), false),
        arguments("POST", headers("Origin: https://app.gatehouse.test.evil.com", "Cookie: " + SESSION), false),
        arguments("post", headers("Origin: https://evil.com", "Cookie: " + SESSION), false),
        arguments("POST", headers("Sec-Fetch-Site: cross-site", "Cookie: " + SESSION), false),
        arguments("POST", headers("Sec-Fetch-Site: none", "Cookie: " + SESSION), false),
        arguments("POST", headers("Cookie: gatehouse-id=i"), false),
        arguments("PUT", headers("Authorization: Basic dXNlcjpwdw==", "Cookie: " + SESSION), false),
        arguments("POST", headers("Cookie: xjwt-token=1; jwt-token=2"), false),
        // The cookie in a second Cookie header (HTTP/2 sends one per cookie) counts like in the first.
        arguments("POST", headers("Origin: https://evil.com", "Cookie: theme=dark", "Cookie: jwt-token=a.b.c"), false),
        arguments("POST", headers("Origin: https://evil.com", "Cookie: jwt-token"), true),
        // Reading: a cross-site page never gets an answer for a request that rode the cookie.
        arguments("GET", headers("Origin: https://evil.com", "Cookie: " + SESSION), false),
        arguments("GET", headers("Origin: null", "Cookie: " + SESSION), false),
        arguments("GET", headers("Origin: https://app.gatehouse.test", "Cookie: " + SESSION), true),
        arguments("GET", headers("Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: navigate", "Cookie: " + SESSION), true),
        arguments("GET", headers("Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: no-cors", "Cookie: " + SESSION), false),
        arguments("GET", headers("Sec-Fetch-Site: cross-site", "Cookie: " + SESSION), false),
        // WebSocket handshakes: every spelling, and no Origin at all, need one of our origins.
        arguments("GET", headers(WS, "Origin: https://evil.com", "Cookie: " + SESSION), false),
        arguments("GET", headers("Upgrade: WebSocket", "Origin: https://evil.com", "Cookie: " + SESSION), false),
        arguments("GET", headers("Sec-WebSocket-Key: x", "Origin: https://evil.com", "Cookie: " + SESSION), false),
        arguments("GET", headers(WS, "Cookie: " + SESSION), false),
        arguments("GET", headers(WS, "Sec-Fetch-Site: same-origin", "Cookie: " + SESSION), false),
        arguments("GET", headers(WS, "Origin: https://app.gatehouse.test", "Cookie: " + SESSION), true),
        arguments("GET", headers(WS, "Origin: https://evil.com", "Authorization: Bearer x.y.z"), true),
        arguments("GET", headers(WS), true),
        arguments("GET", headers("Upgrade: h2c", "Cookie: " + SESSION), true));
  }

  @ParameterizedTest(name = "[{index}] {0} {1}")
  @MethodSource("withLoginCases")
  void decidesWithTheLoginsAllowList(String method, MultiMap headers, boolean passes) {
    assertVerdict(withLogin.decide(method, GATEWAY, headers), passes);
  }

  @ParameterizedTest(name = "[{index}] {0} {1}")
  @CsvSource(delimiter = '|', value = {
      "POST | Origin: https://api.gatehouse.test:8443     | true",
      "POST | Origin: http://API.gatehouse.test:8443      | true",
      "POST | Origin: https://api.gatehouse.test          | false",
      "POST | Origin: https://app.gatehouse.test          | false",
      "GET  | Origin: https://app.gatehouse.test          | false",
      "POST | Sec-Fetch-Site: same-origin                 | true",
      "POST | Sec-Fetch-Site: same-site                   | false",
      "GET  | Upgrade: websocket                          | false",
      "GET  | Sec-Fetch-Site: same-site                   | true"})
  void withoutALoginOnlyTheGatewaysOwnOriginCounts(String method, String header, boolean passes) {
    assertVerdict(withoutLogin.decide(method, GATEWAY, headers(header, "Cookie: " + SESSION)), passes);
  }

  @ParameterizedTest(name = "{0} vs {1}:{2} -> {3}")
  @CsvSource({
      "https://api.gatehouse.test, api.gatehouse.test, -1, true",
      "https://api.gatehouse.test, api.gatehouse.test, 443, true",
      "http://api.gatehouse.test, api.gatehouse.test, 80, true",
      "http://api.gatehouse.test, api.gatehouse.test, 443, false",
      "https://api.gatehouse.test:8000, api.gatehouse.test, 8000, true",
      "https://api.gatehouse.test/, api.gatehouse.test, -1, false",
      "https://user@api.gatehouse.test, api.gatehouse.test, -1, false",
      "null, api.gatehouse.test, -1, false",
      "ftp://api.gatehouse.test, api.gatehouse.test, -1, false",
      "https://evil.example, api.gatehouse.test, -1, false"})
  void sameOriginComparesHostAndEffectivePort(String origin, String host, int port, boolean same) {
    assertThat(OriginCheck.isSameOrigin(origin, HostAndPort.create(host, port))).isEqualTo(same);
  }

  private static void assertVerdict(OriginCheck.Verdict verdict, boolean passes) {
    if (passes) {
      assertThat(verdict).isInstanceOf(Pass.class);
    } else {
      assertThat(verdict).isInstanceOfSatisfying(Deny.class, deny -> assertThat(deny.message()).isNotBlank());
    }
  }

  private static MultiMap headers(String... lines) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (String line : lines) {
      int colon = line.indexOf(':');
      headers.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
    }
    return headers;
  }
}
