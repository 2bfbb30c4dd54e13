package dev.gatehouse.gateway.policy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ActivityPatternsTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "/api/v1/roles",
      "/api/v1/roles/",
      "/",
      "/api/v1/roles/[^/?#]+/users",
      "/api/v1/users/[^/]+",
      "/api/v1/(roles|users)",
      "/api/v1/files/.*",
      "/api/v1/items/[0-9]+",
      "/api/v1/items/[0-9]+/[a-z]+",
      "/api/v1/items/\\d{1,6}",
      "/api/v1/v1\\.0/x",
      "/api/v1/(?i)Roles",
      "/api/v1/(?P<id>[0-9]+)",
      "/api/v1/reports(/[0-9]{4}){0,3}",
      "/api/v1/x/[a-z]+-[0-9]+",
      "/api/v1/a\\$b",
      "/api/v1/a[$^]b",
  })
  void acceptsOrdinaryPatterns(String regex) {
    assertThatCode(() -> ActivityPatterns.validate("GET", regex)).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "''                                      | empty",
      "api/v1/roles                            | must start with '/'",
      "^/api/v1/roles                          | Remove the '^'",
      "/api/v1/roles$                          | anchors are not needed",
      "/api/^v1                                | anchors are not needed",
      "/api/v1/(a+)+                           | nested quantifier",
      "/api/v1/(x*)*                           | nested quantifier",
      "/api/v1/((ab)+c)*                       | nested quantifier",
      "/api/v1/([a-z]+){2,5}                   | nested quantifier",
      "/api/[^/]*[^/]*[^/]*[^/]*[^/]*/x        | adjacent repeated parts",
      "/api/.*.*                               | adjacent repeated parts",
      "/api/[a-z]+[a-z0-9]*                    | adjacent repeated parts",
      "/api/\\d+x?\\d+                         | adjacent repeated parts",
      "/api/(a)\\1                             | Backreferences",
      "/api/(?P<a>x)\\k<a>                     | Backreferences",
      "/api/(?=admin).*                        | Lookaround",
      "/api/(?!admin).*                        | Lookaround",
      "/api/(?<=x)y                            | Lookaround",
      "/api/[a-z                               | does not compile",
      "/api/(x                                 | does not compile",
      "/api/x**                                | does not compile",
      "/api/x++                                | does not compile",
      "/api/(?>x)                              | does not compile",
      "/api/(x{1000}){1000}                    | counted repetition above 100",
      "/api/x{100000}                          | counted repetition above 100",
  })
  void refusesRiskyOrBrokenPatterns(String regex, String expectedMessagePart) {
    assertThatThrownBy(() -> ActivityPatterns.validate("GET", regex))
        .isInstanceOf(InvalidActivityException.class)
        .hasMessageContaining(expectedMessagePart);
  }

  @Test
  void capsTheRegexLength() {
    String longRegex = "/" + "a".repeat(ActivityPatterns.MAX_REGEX_LENGTH);
    assertThatThrownBy(() -> ActivityPatterns.validate("GET", longRegex)).hasMessageContaining("the limit is 512");
  }

  @Test
  void refusesHugeCountedRepetitions() {
    assertThatThrownBy(() -> ActivityPatterns.validate("GET", "/a/(([a-z]{1,50}-){1,50}_){1,50}"))
        .hasMessageContaining("too complex");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "''       | missing",
      "get      | must be upper case: GET",
      "HEAD     | decided as GET",
      "OPTIONS  | CORS preflight",
      "TRACE    | not supported",
      "CONNECT  | not supported",
  })
  void refusesMethodsThatNeedNoOrCannotHaveAnActivity(String method, String expectedMessagePart) {
    assertThatThrownBy(() -> ActivityPatterns.validate(method, "/api"))
        .isInstanceOf(InvalidActivityException.class)
        .hasMessageContaining(expectedMessagePart);
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "POST", "PUT", "PATCH", "DELETE"})
  void acceptsTheFiveMethods(String method) {
    assertThatCode(() -> ActivityPatterns.validate(method, "/api")).doesNotThrowAnyException();
  }

  @Test
  void validatesPermissionNames() {
    assertThatCode(() -> ActivityPatterns.validatePermission("view-roles")).doesNotThrowAnyException();
    assertThatThrownBy(() -> ActivityPatterns.validatePermission(" ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> ActivityPatterns.validatePermission("view roles")).hasMessageContaining("whitespace");
    assertThatThrownBy(() -> ActivityPatterns.validatePermission("a,b")).hasMessageContaining("','");
  }
}
