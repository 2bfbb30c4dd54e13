package dev.gatehouse.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.gatehouse.gateway.login.OriginCheck.Deny;
import dev.gatehouse.gateway.login.OriginCheck.Pass;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OriginCheckTest {

  private static final String SESSION = "theme=dark; jwt-token=a.b.c";
  private final OriginCheck check =
      new OriginCheck(new RedirectTargets("gatehouse.test", Set.of("https://partner.example.org"), Set.of(), false));

  static Stream<Arguments> cases() {
    return Stream.of(
        // method, Origin, Sec-Fetch-Site, Authorization, Cookie, passes
        arguments("GET", "https://evil.com", "cross-site", null, SESSION, true),
        arguments("HEAD", null, null, null, SESSION, true),
        arguments("POST", "https://app.gatehouse.test", "same-site", null, SESSION, true),
        arguments("DELETE", "https://gatehouse.test", null, null, SESSION, true),
        arguments("PUT", "https://partner.example.org", "cross-site", null, SESSION, true),
        arguments("PATCH", null, "same-origin", null, SESSION, true),
        arguments("POST", null, "same-site", null, "gatehouse-refresh=r", true),
        arguments("POST", "https://evil.com", "cross-site", "Bearer x.y.z", SESSION, true),
        arguments("POST", "https://evil.com", "cross-site", null, "theme=dark", true),
        arguments("POST", "https://evil.com", "cross-site", null, null, true),
        arguments("POST", "https://evil.com", "cross-site", null, SESSION, false),
        arguments("POST", "https://evil.com", "same-site", null, SESSION, false),
        arguments("POST", "null", null, null, SESSION, false),
        arguments("DELETE", "http://app.gatehouse.test", null, null, SESSION, false),
        arguments("POST", "https://app.gatehouse.test.evil.com", null, null, SESSION, false),
        arguments("post", "https://evil.com", null, null, SESSION, false),
        arguments("POST", null, "cross-site", null, SESSION, false),
        arguments("POST", null, "none", null, SESSION, false),
        arguments("POST", null, null, null, "gatehouse-id=i", false),
        arguments("PUT", null, null, "Basic dXNlcjpwdw==", SESSION, false),
        arguments("POST", null, null, null, "xjwt-token=1; jwt-token=2", false));
  }

  @ParameterizedTest(name = "[{index}] {0} Origin={1} Sec-Fetch-Site={2} Authorization={3} Cookie={4}")
  @MethodSource("cases")
  void decides(String method, String origin, String secFetchSite, String authorization, String cookie, boolean passes) {
    OriginCheck.Verdict verdict = check.decide(method, origin, secFetchSite, authorization, cookie);

    if (passes) {
      assertThat(verdict).isInstanceOf(Pass.class);
    } else {
      assertThat(verdict).isInstanceOfSatisfying(Deny.class, deny -> assertThat(deny.message()).isNotBlank());
    }
  }
}
