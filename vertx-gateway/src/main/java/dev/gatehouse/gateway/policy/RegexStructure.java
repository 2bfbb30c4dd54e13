package dev.gatehouse.gateway.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * A shallow parse of an activity regex: enough structure to spot backtracking hazards and unsupported features
 * with a helpful message. It is not a full regex parser; RE2/J remains the judge of syntax, so anything this
 * class cannot follow is left for the compiler to report.
 */
final class RegexStructure {

  /** One quantifiable thing in a sequence: a single-character atom (with its source text) or a group. */
  static final class Item {
    final String atom;
    final Sequence group;
    int min = 1;
    int max = 1;

    Item(String atom, Sequence group) {
      this.atom = atom;
      this.group = group;
    }

    boolean repeats() {
      return max != 1;
    }

    boolean unbounded() {
      return max == UNBOUNDED;
    }

    boolean isSingleCharacter() {
      return group == null;
    }
  }

  /** The items of one group (or the whole pattern); alternatives are kept as separate item lists. */
  static final class Sequence {
    final List<List<Item>> alternatives = new ArrayList<>();

    Sequence() {
      alternatives.add(new ArrayList<>());
    }

    List<Item> current() {
      return alternatives.get(alternatives.size() - 1);
    }

    boolean containsVariableRepetition() {
      for (List<Item> items : alternatives) {
        for (Item item : items) {
          if (item.min != item.max || (item.group != null && item.group.containsVariableRepetition())) {
            return true;
          }
        }
      }
      return false;
    }

    boolean containsUnboundedRepetition() {
      for (List<Item> items : alternatives) {
        for (Item item : items) {
          if (item.unbounded() || (item.group != null && item.group.containsUnboundedRepetition())) {
            return true;
          }
        }
      }
      return false;
    }
  }

  static final int UNBOUNDED = -1;

  /** Thrown for a feature that must be refused; the message is for people. */
  static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** Thrown when the shallow parse gets lost: the compiler will explain the syntax error. */
  static final class Unparseable extends RuntimeException {
    Unparseable() {
      super(null, null, false, false);
    }
  }

  private final String regex;
  private int pos;

  private RegexStructure(String regex) {
    this.regex = regex;
  }

  /** Parses {@code regex}; throws {@link Refused} for anchors, backreferences and lookarounds. */
  static Sequence parse(String regex) {
    RegexStructure parser = new RegexStructure(regex);
    Sequence top = parser.sequence(0);
    if (parser.pos != regex.length()) {
      throw new Unparseable();
    }
    return top;
  }

  private Sequence sequence(int depth) {
    Sequence sequence = new Sequence();
    while (pos < regex.length()) {
      char c = regex.charAt(pos);
      switch (c) {
        case ')' -> {
          if (depth == 0) {
            throw new Unparseable();
          }
          return sequence;
        }
        case '|' -> {
          pos++;
          sequence.alternatives.add(new ArrayList<>());
        }
        case '(' -> group(sequence, depth);
        case '[' -> add(sequence, new Item(charClass(), null));
        case '\\' -> escape(sequence);
        case '^', '$' -> throw new Refused("'" + c + "' anchors are not needed and not allowed: every activity regex"
            + " already matches the whole path. Remove it (write '\\" + c + "' for a literal '" + c + "').");
        case '*', '+', '?' -> quantifier(sequence);
        case '{' -> {
          if (countedRepetitionAhead()) {
            quantifier(sequence);
          } else {
            pos++;
            add(sequence, new Item("\\{", null));
          }
        }
        default -> {
          pos++;
          add(sequence, new Item(c == '.' ? "." : regex.substring(pos - 1, pos), null));
        }
      }
    }
    if (depth > 0) {
      throw new Unparseable();
    }
    return sequence;
  }

  private void group(Sequence sequence, int depth) {
    pos++;
    if (regex.startsWith("?=", pos) || regex.startsWith("?!", pos)
        || regex.startsWith("?<=", pos) || regex.startsWith("?<!", pos)) {
      throw new Refused("Lookaround groups like (?=...) and (?!...) are not supported: activity regexes run on a"
          + " linear-time engine. Express the rule with plain segments, or split it into several activities.");
    }
    if (regex.startsWith("?", pos)) {
      int close = flagsEnd();
      if (close >= 0 && regex.charAt(close) == ')') {
        pos = close + 1; // a flag switch such as (?i): no atom
        return;
      }
      if (close >= 0) {
        pos = close + 1; // (?i:...) non-capturing with flags
      } else if (regex.startsWith("?P<", pos) || regex.startsWith("?<", pos)) {
        int nameEnd = regex.indexOf('>', pos);
        if (nameEnd < 0) {
          throw new Unparseable();
        }
        pos = nameEnd + 1;
      } else {
        throw new Unparseable();
      }
    }
    Sequence inner = sequence(depth + 1);
    pos++; // ')'
    add(sequence, new Item(null, inner));
  }

  /** For "(?" at pos: the index of ':' or ')' ending a run of flag letters, or -1. */
  private int flagsEnd() {
    int i = pos + 1;
    while (i < regex.length() && "imsU-".indexOf(regex.charAt(i)) >= 0) {
      i++;
    }
    return i < regex.length() && (regex.charAt(i) == ':' || regex.charAt(i) == ')') ? i : -1;
  }

  private String charClass() {
    int start = pos;
    int i = pos + 1;
    if (i < regex.length() && regex.charAt(i) == '^') {
      i++;
    }
    if (i < regex.length() && regex.charAt(i) == ']') {
      i++;
    }
    while (i < regex.length() && regex.charAt(i) != ']') {
      if (regex.charAt(i) == '\\') {
        i++;
      } else if (regex.startsWith("[:", i)) {
        int end = regex.indexOf(":]", i + 2);
        if (end < 0) {
          throw new Unparseable();
        }
        i = end + 1;
      }
      i++;
    }
    if (i >= regex.length()) {
      throw new Unparseable();
    }
    pos = i + 1;
    return regex.substring(start, pos);
  }

  private void escape(Sequence sequence) {
    if (pos + 1 >= regex.length()) {
      throw new Unparseable();
    }
    char next = regex.charAt(pos + 1);
    if ((next >= '1' && next <= '9') || next == 'k') {
      throw new Refused("Backreferences such as \\1 or \\k<name> are not supported: activity regexes run on a"
          + " linear-time engine. Match the repeated part with a character class instead.");
    }
    int start = pos;
    pos += 2;
    switch (next) {
      case 'Q' -> {
        int end = regex.indexOf("\\E", pos);
        int stop = end < 0 ? regex.length() : end;
        for (int i = pos; i < stop; i++) {
          add(sequence, new Item(com.google.re2j.Pattern.quote(String.valueOf(regex.charAt(i))), null));
        }
        pos = end < 0 ? regex.length() : end + 2;
      }
      case 'b', 'B', 'A', 'z' -> { } // zero-width: nothing to repeat
      case 'p', 'P', 'x' -> {
        if (pos < regex.length() && regex.charAt(pos) == '{') {
          int end = regex.indexOf('}', pos);
          if (end < 0) {
            throw new Unparseable();
          }
          pos = end + 1;
        } else {
          pos += next == 'x' ? 2 : 1;
        }
        pos = Math.min(pos, regex.length());
        add(sequence, new Item(regex.substring(start, pos), null));
      }
      default -> add(sequence, new Item(regex.substring(start, pos), null));
    }
  }

  private boolean countedRepetitionAhead() {
    int i = pos + 1;
    int digits = 0;
    while (i < regex.length() && Character.isDigit(regex.charAt(i))) {
      i++;
      digits++;
    }
    if (digits == 0) {
      return false;
    }
    if (i < regex.length() && regex.charAt(i) == ',') {
      i++;
      while (i < regex.length() && Character.isDigit(regex.charAt(i))) {
        i++;
      }
    }
    return i < regex.length() && regex.charAt(i) == '}';
  }

  private void quantifier(Sequence sequence) {
    List<Item> items = sequence.current();
    if (items.isEmpty()) {
      throw new Unparseable();
    }
    Item target = items.get(items.size() - 1);
    char c = regex.charAt(pos);
    int min;
    int max;
    if (c == '{') {
      int close = regex.indexOf('}', pos);
      String body = regex.substring(pos + 1, close);
      int comma = body.indexOf(',');
      try {
        min = Integer.parseInt(comma < 0 ? body : body.substring(0, comma));
        max = comma < 0 ? min : comma == body.length() - 1 ? UNBOUNDED : Integer.parseInt(body.substring(comma + 1));
      } catch (NumberFormatException e) {
        throw new Unparseable();
      }
      pos = close + 1;
    } else {
      min = c == '+' ? 1 : 0;
      max = c == '?' ? 1 : UNBOUNDED;
      pos++;
    }
    if (pos < regex.length() && (regex.charAt(pos) == '?' || regex.charAt(pos) == '+')) {
      pos++; // lazy or possessive suffix: the compiler decides whether it is supported
    }
    if (target.min != 1 || target.max != 1) {
      throw new Unparseable(); // a double quantifier such as a** : let the compiler explain
    }
    target.min = min;
    target.max = max;
  }

  private static void add(Sequence sequence, Item item) {
    sequence.current().add(item);
  }
}
