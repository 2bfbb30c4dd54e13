package dev.gatehouse.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoginOptionsTest {

  private static LoginOptions valid() {
    return new LoginOptions()
        .setIssuer("https://sso.gatehouse.test/realms/gatehouse/")
        .setClientId("gateway")
        .setClientSecret("secret")
        .setPublicBaseUrl("https://api.gatehouse.test")
        .setParentDomain("GateHouse.test")
        .setStateSecrets(List.of("0123456789abcdef0123456789abcdef"));
  }

  @Test
  void aCompleteConfigurationValidatesAndDerivesTheRegisteredUris() {
    LoginOptions options = valid().validate();

    assertThat(options.issuer()).isEqualTo("https://sso.gatehouse.test/realms/gatehouse");
    assertThat(options.parentDomain()).isEqualTo("gatehouse.test");
    assertThat(options.callbackUrl()).isEqualTo("https://api.gatehouse.test/auth/callback");
    assertThat(options.logoutDoneUrl()).isEqualTo("https://api.gatehouse.test/auth/logout/done");
  }

  @Test
  void listsEveryProblemAtOnce() {
    LoginOptions options = new LoginOptions().setIssuer("sso").setParentDomain(".gatehouse.test")
        .setPublicBaseUrl("https://api.other.test/x").setStateSecrets(List.of("short"))
        .setAllowedOrigins(List.of("https://partner.example.org/path")).setLoginStateTtl(Duration.ofHours(1))
        .setRefreshCookieSameSite("None").setScope("profile");

    assertThatThrownBy(options::validate).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("login.issuer").hasMessageContaining("login.clientId")
        .hasMessageContaining("login.clientSecret").hasMessageContaining("login.parentDomain")
        .hasMessageContaining("login.publicBaseUrl").hasMessageContaining("login.stateSecrets[0]")
        .hasMessageContaining("login.allowedOrigins").hasMessageContaining("login.stateTtl")
        .hasMessageContaining("login.refreshCookieSameSite").hasMessageContaining("login.scope");
  }

  @Test
  void theGatewayMustLiveUnderTheParentDomainForItsCookieToStick() {
    assertThatThrownBy(() -> valid().setPublicBaseUrl("https://api.elsewhere.test").validate())
        .hasMessageContaining("outside login.parentDomain");
  }

  @Test
  void plainHttpNeedsTheExplicitLocalFlag() {
    assertThatThrownBy(() -> valid().setPublicBaseUrl("http://api.gatehouse.test").validate())
        .hasMessageContaining("allowInsecureHttp");
    assertThat(valid().setPublicBaseUrl("http://api.gatehouse.test").setAllowInsecureHttp(true).validate()).isNotNull();
  }

  @Test
  void theDefaultRedirectMustItselfBeAllowed() {
    assertThatThrownBy(() -> valid().setDefaultRedirect("https://evil.com/").validate())
        .hasMessageContaining("login.defaultRedirect");
    assertThat(valid().setDefaultRedirect("https://app.gatehouse.test/").validate().defaultRedirect())
        .isEqualTo("https://app.gatehouse.test/");
  }
}
