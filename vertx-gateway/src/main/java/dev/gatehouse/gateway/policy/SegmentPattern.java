package dev.gatehouse.gateway.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * One path segment of a regex that has the common "literal segments plus wildcard segments" shape, e.g.
 * {@code /api/v1/roles/[^/?#]+/users}. Such regexes are matched by the segment trie without any regex engine.
 */
record SegmentPattern(Kind kind, String literal) {

  enum Kind {
    /** Exactly this text. */
    LITERAL,
    /** {@code [^/]+}: one or more characters, none of them '/'. */
    ANY_SEGMENT,
    /** {@code [^/?#]+}: one or more characters, none of them '/', '?' or '#'. */
    PLAIN_SEGMENT
  }

  private static final String REGEX_METACHARACTERS = "\\.+*?()|[]{}^$";

  boolean matches(String path, int from, int to) {
    return switch (kind) {
      case LITERAL -> literal.length() == to - from && path.regionMatches(from, literal, 0, to - from);
      case ANY_SEGMENT -> to > from;
      case PLAIN_SEGMENT -> to > from && !containsQueryOrFragmentMark(path, from, to);
    };
  }

  private static boolean containsQueryOrFragmentMark(String path, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = path.charAt(i);
      if (c == '?' || c == '#') {
        return true;
      }
    }
    return false;
  }

  /**
   * The segments of {@code regex} when it has the trie shape (after the leading '/': literal segments and whole
   * {@code [^/]+} or {@code [^/?#]+} segments, separated by '/'), otherwise null.
   */
  static List<SegmentPattern> parse(String regex) {
    if (regex.isEmpty() || regex.charAt(0) != '/') {
      return null;
    }
    List<SegmentPattern> segments = new ArrayList<>();
    int start = 1;
    while (true) {
      int end = nextSeparator(regex, start);
      String text = regex.substring(start, end < 0 ? regex.length() : end);
      SegmentPattern segment = parseSegment(text);
      if (segment == null) {
        return null;
      }
      segments.add(segment);
      if (end < 0) {
        return segments;
      }
      start = end + 1;
    }
  }

  /** The next '/' outside a character class or escape, or -1. */
  private static int nextSeparator(String regex, int from) {
    boolean inClass = false;
    for (int i = from; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (inClass) {
        inClass = c != ']';
      } else if (c == '[') {
        inClass = true;
        if (i + 1 < regex.length() && regex.charAt(i + 1) == '^') {
          i++;
        }
        if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
          i++; // a leading ']' is a member, not the end
        }
      } else if (c == '/') {
        return i;
      }
    }
    return -1;
  }

  private static SegmentPattern parseSegment(String text) {
    if (text.startsWith("[^") && text.endsWith("]+")) {
      return wildcard(text.substring(2, text.length() - 2));
    }
    StringBuilder literal = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        // An escaped punctuation character is itself; escaped letters and digits are classes, anchors or codes.
        if (i + 1 >= text.length() || Character.isLetterOrDigit(text.charAt(i + 1))) {
          return null;
        }
        literal.append(text.charAt(++i));
      } else if (REGEX_METACHARACTERS.indexOf(c) >= 0) {
        return null;
      } else {
        literal.append(c);
      }
    }
    return new SegmentPattern(Kind.LITERAL, literal.toString());
  }

  private static SegmentPattern wildcard(String excluded) {
    if (excluded.equals("/")) {
      return new SegmentPattern(Kind.ANY_SEGMENT, null);
    }
    if (excluded.length() == 3 && excluded.indexOf('/') >= 0 && excluded.indexOf('?') >= 0
        && excluded.indexOf('#') >= 0) {
      return new SegmentPattern(Kind.PLAIN_SEGMENT, null);
    }
    return null;
  }
}
