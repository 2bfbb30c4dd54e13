package dev.gatehouse.gateway.testing;

import dev.gatehouse.gateway.http.BadRequestTargetException;
import dev.gatehouse.gateway.http.RequestTarget;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A stand-in for RequestTarget.parse (written on another branch): origin form only, rejects %2F, NUL and
 * fragments, collapses '//' and resolves dot segments. Enough to show that the gateway forwards what the parser
 * returns rather than the raw target.
 */
public final class TestTargets {
  private TestTargets() {}

  public static RequestTarget parse(String raw) {
    if (!raw.startsWith("/")) {
      throw new BadRequestTargetException("Only origin-form targets are accepted.");
    }
    if (raw.toLowerCase().contains("%2f") || raw.contains("\0") || raw.contains("#")) {
      throw new BadRequestTargetException("The target holds an ambiguous encoding.");
    }
    int q = raw.indexOf('?');
    String path = q < 0 ? raw : raw.substring(0, q);
    String query = q < 0 ? null : raw.substring(q + 1);
    Deque<String> segments = new ArrayDeque<>();
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        segments.pollLast();
      } else {
        segments.addLast(segment);
      }
    }
    return new RequestTarget("/" + String.join("/", segments), query);
  }
}
