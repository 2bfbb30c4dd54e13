package dev.gatehouse.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Fuzzes the request-target normaliser. Invariants, for every input:
 * <ul>
 *   <li>only {@link BadRequestTargetException} escapes (anything else would be a 500);</li>
 *   <li>it accepts exactly what {@link #reference} accepts, with the same path and query;</li>
 *   <li>it is idempotent: the canonical target sent upstream parses back to itself;</li>
 *   <li>no encoded byte becomes a segment boundary: the path never has more '/' than the raw path had.</li>
 * </ul>
 * Regression inputs live in {@code src/test/resources/dev/gatehouse/gateway/http/RequestTargetFuzzTestInputs/}.
 * See docs/fuzzing.md for a long run.
 */
class RequestTargetFuzzTest {

  @FuzzTest(maxDuration = "5s")
  @DictionaryEntries({"/", "//", "/./", "/../", "..", "%2e", "%2E%2E", "%2F", "%2f", "%5C", "%3B", "%25", "%00",
      "%C0%AE", "%C3%B6", "%E2%80%A8", "%F0%9F%98%80", "?", "#", ";", "\\", "http://", "*"})
  void agreesWithTheReferenceAndIsIdempotent(FuzzedDataProvider data) {
    String raw = data.consumeRemainingAsString();
    RequestTarget actual;
    try {
      actual = RequestTarget.parse(raw);
    } catch (BadRequestTargetException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      assertThat(reference(raw)).as("reference result for a target the gateway refused: %s", raw).isNull();
      return;
    }
    assertThat(actual).as("reference result for %s", raw).isEqualTo(reference(raw));

    String forwarded = actual.pathAndQuery();
    if (forwarded.length() <= RequestTarget.MAX_RAW_LENGTH) {
      // Longer only when raw characters such as '"' were re-encoded (3 bytes each): then there is nothing to compare.
      assertThat(RequestTarget.parse(forwarded)).as("normalising the canonical form of %s", raw).isEqualTo(actual);
    }
    int rawEnd = raw.indexOf('?');
    String rawPath = rawEnd < 0 ? raw : raw.substring(0, rawEnd);
    assertThat(count(actual.path(), '/')).as("segment boundaries of %s", raw).isLessThanOrEqualTo(count(rawPath, '/'));
  }

  /**
   * The rules of README "The gateway" step 1, written plainly and independently: reject, decode once, collapse
   * slashes, then RFC 3986 section 5.2.4 remove_dot_segments, refusing to climb above the root. Null = refused.
   */
  static RequestTarget reference(String raw) {
    if (raw == null || raw.isEmpty() || raw.length() > RequestTarget.MAX_RAW_LENGTH || raw.charAt(0) != '/') {
      return null;
    }
    for (char c : raw.toCharArray()) {
      if (c <= 0x20 || c >= 0x7F || c == '#') {
        return null;
      }
    }
    int q = raw.indexOf('?');
    String rawPath = q < 0 ? raw : raw.substring(0, q);
    String query = q < 0 ? null : raw.substring(q + 1);
    if (rawPath.contains("\\") || rawPath.contains(";")) {
      return null;
    }
    byte[] bytes = new byte[rawPath.length()];
    int n = 0;
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c == '%') {
        if (i + 2 >= rawPath.length() || HEX_DIGITS.indexOf(rawPath.charAt(i + 1)) < 0
            || HEX_DIGITS.indexOf(rawPath.charAt(i + 2)) < 0) {
          return null;
        }
        int b = Integer.parseInt(rawPath.substring(i + 1, i + 3), 16);
        if (b == 0 || b == '/' || b == '\\' || b == ';') {
          return null;
        }
        bytes[n++] = (byte) b;
        i += 2;
      } else {
        bytes[n++] = (byte) c;
      }
    }
    String decoded;
    try {
      decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    for (char c : decoded.toCharArray()) {
      if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
        return null;
      }
    }
    String collapsed = decoded.replaceAll("/+", "/");
    String path = removeDotSegments(collapsed);
    return path == null ? null : new RequestTarget(path, query);
  }

  private static final String HEX_DIGITS = "0123456789abcdefABCDEF";

  /** RFC 3986 section 5.2.4, rules A to E, on an absolute path; null where rule C would climb above the root. */
  private static String removeDotSegments(String input) {
    Deque<String> output = new ArrayDeque<>();
    String in = input;
    while (!in.isEmpty()) {
      if (in.startsWith("/./")) {
        in = in.substring(2);
      } else if (in.equals("/.")) {
        in = "/";
      } else if (in.startsWith("/../") || in.equals("/..")) {
        if (output.isEmpty()) {
          return null;
        }
        output.removeLast();
        in = in.equals("/..") ? "/" : in.substring(3);
      } else {
        int next = in.indexOf('/', 1);
        String segment = next < 0 ? in : in.substring(0, next);
        output.addLast(segment);
        in = next < 0 ? "" : in.substring(next);
      }
    }
    String path = String.join("", output);
    return path.isEmpty() ? "/" : path;
  }

  private static int count(String text, char c) {
    int count = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == c) {
        count++;
      }
    }
    return count;
  }
}
