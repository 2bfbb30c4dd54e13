package dev.gatehouse.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "/                              | /",
      "/api/v1/roles                  | /api/v1/roles",
      "/api/v1/roles/                 | /api/v1/roles/",
      "/API/V1/Roles                  | /API/V1/Roles",
      "//api//v1///roles              | /api/v1/roles",
      "//                             | /",
      "/api/./v1/roles                | /api/v1/roles",
      "/api/v1/x/../roles             | /api/v1/roles",
      "/api/v1/roles/.                | /api/v1/roles/",
      "/api/v1/roles/x/..             | /api/v1/roles/",
      "/a/b/../../c                   | /c",
      "/a/..                          | /",
      "/api/%2e%2e/admin              | /admin",
      "/api/%2E/v1                    | /api/v1",
      "/api/.%2e/admin                | /admin",
      "/api/...                       | /api/...",
      "/api/..x                       | /api/..x",
      "/api/v1/users/j%C3%B6rg        | /api/v1/users/jörg",
      "/api/v1/users/a%20b            | /api/v1/users/a b",
      "/api/v1/users/a%3Fb            | /api/v1/users/a?b",
      "/api/v1/users/a%23b            | /api/v1/users/a#b",
      "/api/v1/users/100%25           | /api/v1/users/100%",
      "/api/v1/users/%252F            | /api/v1/users/%2F",
      "/api/%61bc                     | /api/abc",
      "/api/v1/roles?x=1              | /api/v1/roles",
      "/api/v1/../v1/roles?a=/../b    | /api/v1/roles",
  })
  void normalisesPaths(String raw, String expectedPath) {
    assertThat(RequestTarget.parse(raw).path()).isEqualTo(expectedPath);
  }

  @ParameterizedTest(name = "{0} -> query {1}")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "/a                     | NULL",
      "/a?                    | ''",
      "/a?x=1&y=2             | x=1&y=2",
      "/a?x=%2F..%2F&y=%00    | x=%2F..%2F&y=%00",
      "/a?next=/b?c=d         | next=/b?c=d",
  })
  void passesTheRawQueryThrough(String raw, String expectedQuery) {
    assertThat(RequestTarget.parse(raw).query()).isEqualTo(expectedQuery);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "''                                 | empty",
      "*                                  | asterisk-form",
      "http://evil.example/api/v1/roles   | Absolute-form",
      "HTTPS://evil.example/              | Absolute-form",
      "evil.example:443                   | must be a path",
      "api/v1/roles                       | must be a path",
      "/api/v1/roles#frag                 | fragment",
      "/api/v1/roles?x=1#frag             | fragment",
      "/api/v1/roles/1%2F..%2F..%2Fadmin  | encoded '/'",
      "/api/v1/roles/1%2f                 | encoded '/'",
      "/api/v1/roles/1%5C..               | backslash",
      "/api/v1/roles/1%5c..               | backslash",
      "/api/v1/roles/1\\..\\admin         | backslash",
      "/api/v1/roles/..;/admin            | ';'",
      "/api/v1/roles;jsessionid=1         | ';'",
      "/api/v1/roles%3Bx                  | encoded ';'",
      "/api/v1/roles/%00                  | NUL",
      "/api/v1/roles/%                    | malformed percent-escape",
      "/api/v1/roles/%4                   | malformed percent-escape",
      "/api/v1/roles/%G1                  | malformed percent-escape",
      "/api/v1/roles/%zz/x                | malformed percent-escape",
      "/api/v1/roles/%C3                  | not valid UTF-8",
      "/api/v1/roles/%C3%28               | not valid UTF-8",
      "/api/v1/roles/%FF                  | not valid UTF-8",
      "/api/v1/roles/%C0%AF               | not valid UTF-8",
      "/api/v1/roles/%ED%A0%80            | not valid UTF-8",
      "/api/v1/roles/%0A                  | control character",
      "/api/v1/roles/%7F                  | control character",
      "/api/v1/roles/%C2%85               | control character",
      "/..                                | above the root",
      "/api/../../etc/passwd              | above the root",
      "/%2e%2e/admin                      | above the root",
  })
  void refusesAmbiguousTargets(String raw, String expectedMessagePart) {
    assertThatThrownBy(() -> RequestTarget.parse(raw))
        .isInstanceOf(BadRequestTargetException.class)
        .hasMessageContaining(expectedMessagePart);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a b", "/a?b c", "/a\r\nX-Injected: 1", "/a?x=1\n", "/a\tb"})
  void refusesRawWhitespace(String raw) {
    assertThatThrownBy(() -> RequestTarget.parse(raw))
        .isInstanceOf(BadRequestTargetException.class)
        .hasMessageContaining("whitespace");
  }

  @Test
  void refusesRawNulAndControlAndNonAscii() {
    assertThatThrownBy(() -> RequestTarget.parse("/a\u0000b")).hasMessageContaining("NUL");
    assertThatThrownBy(() -> RequestTarget.parse("/a\u0001b")).hasMessageContaining("control character");
    assertThatThrownBy(() -> RequestTarget.parse("/j\u00f6rg")).hasMessageContaining("non-ASCII");
  }

  @Test
  void capsTheLength() {
    String atLimit = "/" + "a".repeat(RequestTarget.MAX_RAW_LENGTH - 1);
    assertThat(RequestTarget.parse(atLimit).path()).isEqualTo(atLimit);
    assertThatThrownBy(() -> RequestTarget.parse(atLimit + "a"))
        .isInstanceOf(BadRequestTargetException.class)
        .hasMessageContaining("longer than 2048");
  }

  @ParameterizedTest(name = "{0} forwards as {1}")
  @CsvSource(delimiter = '|', value = {
      "/api/v1/roles                  | /api/v1/roles",
      "/api//v1/./roles/x/..?q=%2F    | /api/v1/roles/?q=%2F",
      "/api/v1/users/j%C3%B6rg        | /api/v1/users/j%C3%B6rg",
      "/api/v1/users/j%c3%b6rg        | /api/v1/users/j%C3%B6rg",
      "/api/v1/users/a%20b            | /api/v1/users/a%20b",
      "/api/v1/users/a%3Fb?x=1        | /api/v1/users/a%3Fb?x=1",
      "/api/v1/users/a%23b            | /api/v1/users/a%23b",
      "/api/v1/users/100%25           | /api/v1/users/100%25",
      "/api/v1/users/%61%2D%7E        | /api/v1/users/a-~",
      "/api/v1/x/a:b@c!$&'()*+,=      | /api/v1/x/a:b@c!$&'()*+,=",
      "/api/v1/x/%F0%9F%98%80         | /api/v1/x/%F0%9F%98%80",
  })
  void forwardsAnEquivalentUnambiguousTarget(String raw, String expectedPathAndQuery) {
    RequestTarget target = RequestTarget.parse(raw);
    assertThat(target.pathAndQuery()).isEqualTo(expectedPathAndQuery);
    // Re-parsing what is forwarded gives back the very path that was authorised.
    assertThat(RequestTarget.parse(target.pathAndQuery()).path()).isEqualTo(target.path());
  }

  @Test
  void encodedPathIsThePathItselfWhenNothingNeedsEncoding() {
    RequestTarget target = RequestTarget.parse("/api/v1/roles");
    assertThat(target.encodedPath()).isSameAs(target.path());
  }
}
