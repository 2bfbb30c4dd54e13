package dev.gatehouse.gateway.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.gateway.credential.CredentialResult.Found;
import dev.gatehouse.gateway.credential.CredentialResult.Invalid;
import dev.gatehouse.gateway.credential.CredentialResult.Missing;
import dev.gatehouse.gateway.credential.CredentialResult.Problem;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CredentialExtractorTest {

  private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_";
  private static final String OTHER_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ5In0.c2ln";

  private final CredentialExtractor extractor = new CredentialExtractor();

  static Stream<Arguments> found() {
    return Stream.of(
        Arguments.of(List.of("Bearer " + JWT), List.of(), Credential.Source.BEARER_HEADER),
        Arguments.of(List.of("bearer " + JWT), List.of(), Credential.Source.BEARER_HEADER),
        Arguments.of(List.of("BEARER " + JWT), List.of(), Credential.Source.BEARER_HEADER),
        Arguments.of(List.of("Bearer   " + JWT + " "), List.of(), Credential.Source.BEARER_HEADER),
        Arguments.of(List.of("Bearer abc=="), List.of(), Credential.Source.BEARER_HEADER),
        Arguments.of(List.of(), List.of("jwt-token=" + JWT), Credential.Source.COOKIE),
        Arguments.of(List.of(), List.of("a=1; jwt-token=" + JWT + "; b=2"), Credential.Source.COOKIE),
        Arguments.of(List.of(), List.of("jwt-token=\"" + JWT + "\""), Credential.Source.COOKIE),
        Arguments.of(List.of(), List.of("a=1", "jwt-token=" + JWT), Credential.Source.COOKIE),
        Arguments.of(List.of(), List.of("jwt-token=" + JWT + "; jwt-token=" + JWT), Credential.Source.COOKIE),
        Arguments.of(List.of(), List.of("xjwt-token=zzz; jwt-token=" + JWT), Credential.Source.COOKIE),
        Arguments.of(List.of("Bearer " + JWT), List.of("jwt-token=" + JWT), Credential.Source.BEARER_HEADER));
  }

  @ParameterizedTest
  @MethodSource
  void found(List<String> authorization, List<String> cookies, Credential.Source source) {
    CredentialResult result = extractor.extract(authorization, cookies);
    assertThat(result).isInstanceOf(Found.class);
    Credential credential = ((Found) result).credential();
    assertThat(credential.source()).isEqualTo(source);
    assertThat(credential.token()).isIn(JWT, "abc==");
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(List.of("Basic dXNlcjpwYXNz"), List.of(), Problem.UNSUPPORTED_SCHEME),
        Arguments.of(List.of("Basic dXNlcjpwYXNz"), List.of("jwt-token=" + JWT), Problem.UNSUPPORTED_SCHEME),
        Arguments.of(List.of("Negotiate"), List.of(), Problem.UNSUPPORTED_SCHEME),
        Arguments.of(List.of("Bearer"), List.of(), Problem.MALFORMED_AUTHORIZATION),
        Arguments.of(List.of("Bearer "), List.of(), Problem.MALFORMED_AUTHORIZATION),
        Arguments.of(List.of(""), List.of(), Problem.MALFORMED_AUTHORIZATION),
        Arguments.of(List.of("Bearer " + JWT + " " + OTHER_JWT), List.of(), Problem.MALFORMED_AUTHORIZATION),
        Arguments.of(List.of("Bearer " + JWT + ", Bearer " + OTHER_JWT), List.of(), Problem.MALFORMED_AUTHORIZATION),
        Arguments.of(List.of("Bearer a=b"), List.of(), Problem.MALFORMED_AUTHORIZATION),
        Arguments.of(List.of("Bearer\t" + JWT), List.of(), Problem.MALFORMED_AUTHORIZATION),
        Arguments.of(List.of("Bearer \"" + JWT + "\""), List.of(), Problem.MALFORMED_AUTHORIZATION),
        Arguments.of(List.of("Bearer " + JWT, "Bearer " + JWT), List.of(), Problem.DUPLICATE_AUTHORIZATION),
        Arguments.of(List.of("Bearer " + JWT, "Bearer " + OTHER_JWT), List.of(), Problem.DUPLICATE_AUTHORIZATION),
        Arguments.of(List.of(), List.of("jwt-token=" + JWT + "; jwt-token=" + OTHER_JWT), Problem.DUPLICATE_COOKIE),
        Arguments.of(List.of(), List.of("jwt-token=" + JWT, "jwt-token=" + OTHER_JWT), Problem.DUPLICATE_COOKIE),
        Arguments.of(List.of(), List.of("jwt-token="), Problem.MALFORMED_COOKIE),
        Arguments.of(List.of(), List.of("jwt-token=\"\""), Problem.MALFORMED_COOKIE),
        Arguments.of(List.of(), List.of("jwt-token=a b"), Problem.MALFORMED_COOKIE),
        Arguments.of(List.of("Bearer " + OTHER_JWT), List.of("jwt-token=" + JWT), Problem.CONFLICTING_CREDENTIALS),
        Arguments.of(List.of("Bearer " + JWT), List.of("jwt-token=" + JWT + "; jwt-token=" + OTHER_JWT),
            Problem.DUPLICATE_COOKIE));
  }

  @ParameterizedTest
  @MethodSource
  void invalid(List<String> authorization, List<String> cookies, Problem problem) {
    CredentialResult result = extractor.extract(authorization, cookies);
    assertThat(result).isInstanceOf(Invalid.class);
    Invalid invalid = (Invalid) result;
    assertThat(invalid.problem()).isEqualTo(problem);
    assertThat(invalid.message()).isNotBlank().doesNotContain(JWT).doesNotContain(OTHER_JWT);
  }

  @Test
  void nothingPresentIsMissing() {
    assertThat(extractor.extract(List.of(), List.of())).isInstanceOf(Missing.class);
    assertThat(extractor.extract(List.of(), List.of("session=abc; other=1"))).isInstanceOf(Missing.class);
  }

  @Test
  void readsVertxHeadersCaseInsensitively() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("authorization", "Bearer " + JWT)
        .add("cookie", "jwt-token=" + JWT);
    assertThat(extractor.extract(headers)).isEqualTo(new Found(new Credential(Credential.Source.BEARER_HEADER, JWT)));
  }

  @Test
  void cookieNameIsConfigurable() {
    CredentialExtractor custom = new CredentialExtractor("session-jwt");
    assertThat(custom.extract(List.of(), List.of("jwt-token=" + JWT))).isInstanceOf(Missing.class);
    assertThat(custom.extract(List.of(), List.of("session-jwt=" + JWT)))
        .isEqualTo(new Found(new Credential(Credential.Source.COOKIE, JWT)));
  }

  @Test
  void refusesAnInvalidCookieName() {
    assertThatThrownBy(() -> new CredentialExtractor("bad name;")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad name;");
  }

  @Test
  void problemsCarryTheRfc6750Answer() {
    assertThat(Problem.UNSUPPORTED_SCHEME.status()).isEqualTo(401);
    assertThat(Problem.UNSUPPORTED_SCHEME.oauthError()).isNull();
    for (Problem problem : Problem.values()) {
      if (problem != Problem.UNSUPPORTED_SCHEME) {
        assertThat(problem.status()).as(problem.name()).isEqualTo(400);
        assertThat(problem.oauthError()).as(problem.name()).isEqualTo("invalid_request");
      }
    }
  }
}
