package dev.gatehouse.gateway.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenVerifierOptionsTest {

  @Test
  void defaultsAreStrictAndPointAtKeycloaksCertsEndpoint() {
    TokenVerifierOptions options = new TokenVerifierOptions().setIssuer("https://sso.example.test/realms/app/").validate();

    assertThat(options.getJwksUrl()).isEqualTo("https://sso.example.test/realms/app/protocol/openid-connect/certs");
    assertThat(options.getAllowedAlgorithms()).containsExactly(SignatureAlgorithm.RS256);
    assertThat(options.getMaxTokenBytes()).isEqualTo(16 * 1024);
    assertThat(options.getPermissionsClaim()).isEqualTo("permissions");
    assertThat(options.getRolesClaim()).isEqualTo("roles");
  }

  @Test
  void explicitJwksUrlWins() {
    TokenVerifierOptions options = new TokenVerifierOptions().setIssuer("https://public.test/realms/app")
        .setJwksUrl("http://keycloak:8080/realms/app/protocol/openid-connect/certs");
    assertThat(options.validate().getJwksUrl()).startsWith("http://keycloak:8080/");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    TokenVerifierOptions options = new TokenVerifierOptions()
        .setJwksUrl("ftp://nope")
        .setAllowedAlgorithms(Set.of())
        .setMaxTokenBytes(10)
        .setClockSkew(Duration.ofHours(1))
        .setRefreshInterval(Duration.ZERO)
        .setCacheSize(-1)
        .setPermissionsClaim("")
        .setAudiences(Set.of(" "));

    assertThatThrownBy(options::validate)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("issuer is required", "jwksUrl 'ftp://nope'", "allowedAlgorithms is empty",
            "maxTokenBytes", "clockSkew", "refreshInterval", "cacheSize", "permissionsClaim", "audiences");
  }

  @Test
  void copyIsIndependent() {
    TokenVerifierOptions original = new TokenVerifierOptions().setIssuer("https://a.test/realms/x");
    TokenVerifierOptions copy = original.copy();
    original.setIssuer("https://b.test/realms/x");
    assertThat(copy.getIssuer()).isEqualTo("https://a.test/realms/x");
  }
}
