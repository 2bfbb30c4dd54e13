package dev.gatehouse.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.login.Cors.Actual;
import dev.gatehouse.gateway.login.Cors.NotCors;
import dev.gatehouse.gateway.login.Cors.Preflight;
import dev.gatehouse.gateway.login.Cors.Refused;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CorsTest {

  private final Cors cors = new Cors(new RedirectTargets("gatehouse.test", Set.of("https://partner.example.org"),
      Set.of(), false), List.of("GET", "POST", "DELETE"), List.of("Authorization", "Content-Type"), 600);

  @Test
  void preflightFromOurAppEchoesTheExactOriginWithCredentials() {
    assertThat(cors.evaluate("OPTIONS", "https://app.gatehouse.test", "DELETE", "content-type, Authorization"))
        .isEqualTo(new Preflight(Map.of(
            "Access-Control-Allow-Origin", "https://app.gatehouse.test",
            "Access-Control-Allow-Credentials", "true",
            "Access-Control-Allow-Methods", "GET, POST, DELETE",
            "Access-Control-Allow-Headers", "Authorization, Content-Type",
            "Access-Control-Max-Age", "600")));
  }

  @Test
  void actualRequestFromAListedOriginGetsOriginAndCredentialsOnly() {
    assertThat(cors.evaluate("GET", "https://partner.example.org", null, null)).isEqualTo(new Actual(Map.of(
        "Access-Control-Allow-Origin", "https://partner.example.org",
        "Access-Control-Allow-Credentials", "true")));
  }

  @Test
  void otherOriginsGetNothingAndTheirPreflightIsRefused() {
    assertThat(cors.evaluate("OPTIONS", "https://evil.com", "GET", null))
        .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.preflight()).isTrue());
    assertThat(cors.evaluate("GET", "https://evil.com", null, null))
        .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.preflight()).isFalse());
    assertThat(cors.evaluate("OPTIONS", "null", "GET", null)).isInstanceOf(Refused.class);
  }

  @Test
  void preflightForAMethodOrHeaderNotAllowedIsRefused() {
    assertThat(cors.evaluate("OPTIONS", "https://app.gatehouse.test", "PUT", null))
        .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.message()).contains("PUT"));
    assertThat(cors.evaluate("OPTIONS", "https://app.gatehouse.test", "POST", "Content-Type, X-Evil"))
        .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.message()).contains("X-Evil"));
  }

  @Test
  void noOriginMeansNoCors() {
    assertThat(cors.evaluate("OPTIONS", null, "GET", null)).isInstanceOf(NotCors.class);
    assertThat(cors.evaluate("POST", null, null, null)).isInstanceOf(NotCors.class);
  }

  @Test
  void neverAnswersWithAWildcard() {
    Cors.Outcome outcome = cors.evaluate("OPTIONS", "https://app.gatehouse.test", "GET", null);
    assertThat(((Preflight) outcome).headers()).doesNotContainValue("*");
  }
}
