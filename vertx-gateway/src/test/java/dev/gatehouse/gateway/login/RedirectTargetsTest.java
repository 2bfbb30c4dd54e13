package dev.gatehouse.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.gatehouse.gateway.login.RedirectTargets.Allowed;
import dev.gatehouse.gateway.login.RedirectTargets.Delivery;
import dev.gatehouse.gateway.login.RedirectTargets.Reason;
import dev.gatehouse.gateway.login.RedirectTargets.Refused;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RedirectTargetsTest {

  private final RedirectTargets targets =
      new RedirectTargets("gatehouse.test", Set.of("https://partner.example.org", "https://tools.example.net:8443"),
          Set.of(8443), false);

  static Stream<Arguments> allowed() {
    return Stream.of(
        arguments("https://app.gatehouse.test/", "https://app.gatehouse.test/", Delivery.COOKIE),
        arguments("https://gatehouse.test", "https://gatehouse.test/", Delivery.COOKIE),
        arguments("https://a.b.gatehouse.test/x?y=1#/route", "https://a.b.gatehouse.test/x?y=1#/route", Delivery.COOKIE),
        arguments("HTTPS://APP.GateHouse.TEST/Path", "https://app.gatehouse.test/Path", Delivery.COOKIE),
        arguments("https://app.gatehouse.test:443/", "https://app.gatehouse.test/", Delivery.COOKIE),
        arguments("https://app.gatehouse.test:8443/x", "https://app.gatehouse.test:8443/x", Delivery.COOKIE),
        arguments("https://app.gatehouse.test/next?u=https://evil.com", "https://app.gatehouse.test/next?u=https://evil.com",
            Delivery.COOKIE),
        arguments("https://app.gatehouse.test/a%20b", "https://app.gatehouse.test/a%20b", Delivery.COOKIE),
        arguments("https://partner.example.org/welcome", "https://partner.example.org/welcome", Delivery.FRAGMENT),
        arguments("https://tools.example.net:8443/", "https://tools.example.net:8443/", Delivery.FRAGMENT));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("allowed")
  void allowsOurAppsInCanonicalForm(String target, String canonical, Delivery delivery) {
    assertThat(targets.check(target)).isEqualTo(
        new Allowed(canonical, canonical.substring(0, canonical.indexOf('/', "https://".length())), delivery));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        arguments(null, Reason.MISSING),
        arguments("", Reason.MISSING),
        arguments("//evil.com", Reason.NOT_ABSOLUTE),
        arguments("/dashboard", Reason.NOT_ABSOLUTE),
        arguments("dashboard", Reason.NOT_ABSOLUTE),
        arguments("%2F%2Fevil.com", Reason.NOT_ABSOLUTE),
        arguments("https%3A%2F%2Fevil.com", Reason.NOT_ABSOLUTE),
        arguments("/\\evil.com", Reason.ILLEGAL_CHARACTER),
        arguments("\\\\evil", Reason.ILLEGAL_CHARACTER),
        arguments("https://evil.com\\@app.gatehouse.test", Reason.ILLEGAL_CHARACTER),
        arguments("javascript:alert(document.cookie)", Reason.SCHEME_NOT_ALLOWED),
        arguments("JavaScript://app.gatehouse.test/%0aalert(1)", Reason.SCHEME_NOT_ALLOWED),
        arguments("data:text/html;base64,PHNjcmlwdD4=", Reason.SCHEME_NOT_ALLOWED),
        arguments("http://app.gatehouse.test/", Reason.SCHEME_NOT_ALLOWED),
        arguments("ftp://app.gatehouse.test/", Reason.SCHEME_NOT_ALLOWED),
        arguments("https:app.gatehouse.test", Reason.SCHEME_NOT_ALLOWED),
        arguments("https:/app.gatehouse.test", Reason.BAD_HOST),
        arguments("https://evil.com?x=.gatehouse.test", Reason.HOST_NOT_ALLOWED),
        arguments("https://gatehouse.test.evil.com/", Reason.HOST_NOT_ALLOWED),
        arguments("https://evilgatehouse.test/", Reason.HOST_NOT_ALLOWED),
        arguments("https://evil.com#@gatehouse.test", Reason.HOST_NOT_ALLOWED),
        arguments("https://evil.com/.gatehouse.test", Reason.HOST_NOT_ALLOWED),
        arguments("https://user@evil.com", Reason.USER_INFO),
        arguments("https://app.gatehouse.test@evil.com/", Reason.USER_INFO),
        arguments("https://app.gatehouse.test%40evil.com/", Reason.BAD_HOST),
        arguments("https://evil.com%2F.gatehouse.test", Reason.BAD_HOST),
        arguments("https://evil.com%252F.gatehouse.test", Reason.BAD_HOST),
        arguments("https://evil.com%E3%80%82gatehouse.test", Reason.BAD_HOST),
        arguments("https://app.gatehouse.test./", Reason.BAD_HOST),
        arguments("https://[::1]/", Reason.BAD_HOST),
        arguments("https://app_x.gatehouse.test/", Reason.BAD_HOST),
        arguments("https://app.gatehouse.test/%zz", Reason.MALFORMED),
        arguments("https://app.gatehouse.test/\r\nSet-Cookie:x=1", Reason.ILLEGAL_CHARACTER),
        arguments("https://app.gatehouse.test/\n", Reason.ILLEGAL_CHARACTER),
        arguments("https://app.gatehouse\t.test/", Reason.ILLEGAL_CHARACTER),
        arguments("https://app.gatehouse.test/\u0000", Reason.ILLEGAL_CHARACTER),
        arguments(" https://app.gatehouse.test/", Reason.ILLEGAL_CHARACTER),
        arguments("https://evil.com\u3002gatehouse.test/", Reason.ILLEGAL_CHARACTER),
        arguments("https://app.gatehouse\uFF0Etest/", Reason.ILLEGAL_CHARACTER),
        arguments("https://\u0430pp.gatehouse.test/", Reason.ILLEGAL_CHARACTER),
        arguments("https://app.gatehouse.test:8080/", Reason.PORT_NOT_ALLOWED),
        arguments("https://app.gatehouse.test:80/", Reason.PORT_NOT_ALLOWED),
        arguments("https://partner.example.org:444/", Reason.HOST_NOT_ALLOWED),
        arguments("http://partner.example.org/", Reason.SCHEME_NOT_ALLOWED),
        arguments("https://sub.partner.example.org/", Reason.HOST_NOT_ALLOWED),
        arguments("https://127.0.0.1/", Reason.HOST_NOT_ALLOWED),
        arguments("https://app.gatehouse.test/" + "a".repeat(RedirectTargets.MAX_LENGTH), Reason.TOO_LONG));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("refused")
  void refusesEverythingElseWithAReason(String target, Reason reason) {
    assertThat(targets.check(target)).isInstanceOfSatisfying(Refused.class, refused -> {
      assertThat(refused.reason()).isEqualTo(reason);
      assertThat(refused.message()).isNotBlank();
    });
  }

  @Test
  void httpIsAllowedOnlyForLocalRuns() {
    RedirectTargets local = new RedirectTargets("gatehouse.test", Set.of(), Set.of(8081), true);

    assertThat(local.check("http://app.gatehouse.test:8081/"))
        .isEqualTo(new Allowed("http://app.gatehouse.test:8081/", "http://app.gatehouse.test:8081", Delivery.COOKIE));
    assertThat(local.check("http://app.gatehouse.test:80/x"))
        .isEqualTo(new Allowed("http://app.gatehouse.test/x", "http://app.gatehouse.test", Delivery.COOKIE));
  }

  @Test
  void originMustBeExactlySchemeHostAndPort() {
    assertThat(targets.isAllowedOrigin("https://app.gatehouse.test")).isTrue();
    assertThat(targets.isAllowedOrigin("https://partner.example.org")).isTrue();
    assertThat(targets.isAllowedOrigin("https://app.gatehouse.test:8443")).isTrue();
    assertThat(targets.isAllowedOrigin("https://app.gatehouse.test/")).isFalse();
    assertThat(targets.isAllowedOrigin("https://APP.gatehouse.test")).isFalse();
    assertThat(targets.isAllowedOrigin("https://evil.com")).isFalse();
    assertThat(targets.isAllowedOrigin("null")).isFalse();
    assertThat(targets.isAllowedOrigin(null)).isFalse();
    assertThat(targets.isAllowedOrigin("http://app.gatehouse.test")).isFalse();
  }

  @Test
  void theGatewaysOwnOriginIsATargetWhateverItsPortSoTheConsoleCanSignIn() {
    RedirectTargets targets = new RedirectTargets(new LoginOptions()
        .setIssuer("http://127.0.0.1:1/realms/test").setClientId("gateway").setClientSecret("secret")
        .setPublicBaseUrl("http://api.gatehouse.test:41849").setParentDomain("gatehouse.test")
        .setAllowedPorts(Set.of(8080)).setAllowInsecureHttp(true));

    assertThat(targets.check("http://api.gatehouse.test:41849/gatehouse/console/#/tokens"))
        .isInstanceOfSatisfying(Allowed.class, allowed -> assertThat(allowed.delivery()).isEqualTo(Delivery.COOKIE));
    assertThat(targets.check("http://app9.gatehouse.test:41849/")).as("the port is the gateway's, not any app's")
        .isInstanceOfSatisfying(Refused.class, refused -> assertThat(refused.reason()).isEqualTo(Reason.PORT_NOT_ALLOWED));
  }
}
