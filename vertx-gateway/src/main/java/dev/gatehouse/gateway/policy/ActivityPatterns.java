package dev.gatehouse.gateway.policy;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * Rules for activity methods and url regexes, applied when an activity is written (admin API) and again when it
 * is loaded.
 *
 * <p>Decisions, so that every gateway and every admin agrees:
 * <ul>
 *   <li>Methods are GET, POST, PUT, PATCH and DELETE, upper case. HEAD is decided as GET, so a GET activity covers
 *       it; OPTIONS (CORS preflight) is answered before authorisation and never needs an activity.</li>
 *   <li>A regex always matches the <em>whole</em> normalised path. Writing {@code ^} or {@code $} is refused rather
 *       than silently stripped, so what is stored is exactly what is enforced.</li>
 *   <li>Matching runs on a literal-segment trie or on RE2/J, both linear time, so no stored regex can stall the
 *       gateway. Patterns that need a backtracking engine (backreferences, lookarounds) are refused. Nested and
 *       overlapping adjacent quantifiers are refused as well: they are the classic catastrophic-backtracking
 *       shapes and would hurt any tool that evaluates the same regex with a backtracking engine.</li>
 * </ul>
 */
public final class ActivityPatterns {
  public static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
  private static final String ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE";
  public static final int MAX_REGEX_LENGTH = 512;
  public static final int MAX_PERMISSION_LENGTH = 255;
  public static final int MAX_DESCRIPTION_LENGTH = 1000;
  /** RE2/J program size cap: keeps counted repetitions like {@code a{1000}} from building huge automata. */
  static final int MAX_PROGRAM_SIZE = 5000;
  /** Largest count in {n,m}; checked before compiling, since compiling a{100000} is itself costly. */
  static final int MAX_REPETITION_COUNT = 100;

  /** Characters that stand for "any character" in the overlap check; a real path is ASCII plus decoded UTF-8. */
  private static final String OVERLAP_SAMPLES;

  static {
    StringBuilder samples = new StringBuilder();
    for (char c = 0x20; c < 0x7F; c++) {
      samples.append(c);
    }
    OVERLAP_SAMPLES = samples.append("\u00e9\u00a0\u4e2d\u0416").toString();
  }

  private ActivityPatterns() {}

  /** Throws {@link InvalidActivityException} with a message for people when the regex is invalid or risky. */
  public static void validate(String method, String urlRegex) {
    validateMethod(method);
    compile(urlRegex);
  }

  /** Validates {@code urlRegex} and returns it compiled; the index uses this to avoid compiling twice. */
  static Pattern compile(String urlRegex) {
    if (urlRegex == null || urlRegex.isEmpty()) {
      throw new InvalidActivityException("The url regex is empty. Give a regex for the whole path, e.g. /api/v1/roles.");
    }
    if (urlRegex.length() > MAX_REGEX_LENGTH) {
      throw new InvalidActivityException("The url regex is " + urlRegex.length() + " characters long; the limit is "
          + MAX_REGEX_LENGTH + ". Split it into several activities.");
    }
    for (int i = 0; i < urlRegex.length(); i++) {
      if (Character.isISOControl(urlRegex.charAt(i))) {
        // Normalised paths never hold control characters (they are refused with 400), so such a regex is a mistake.
        throw new InvalidActivityException("The url regex contains the control character U+"
            + String.format("%04X", (int) urlRegex.charAt(i)) + " at position " + i + "; remove it (paths"
            + " with control characters are refused with 400, so it could never match).");
      }
    }
    if (urlRegex.charAt(0) != '/') {
      String hint = urlRegex.startsWith("^/") ? " Remove the '^': regexes always match the whole path." : "";
      throw new InvalidActivityException("The url regex '" + urlRegex + "' must start with '/' (it matches the whole"
          + " normalised path)." + hint);
    }
    RegexStructure.Sequence structure;
    try {
      structure = RegexStructure.parse(urlRegex);
    } catch (RegexStructure.Refused e) {
      throw new InvalidActivityException("The url regex '" + urlRegex + "' is refused: " + e.getMessage());
    } catch (RegexStructure.Unparseable e) {
      structure = null; // the compiler below explains the syntax error
    }
    if (structure != null) {
      rejectLargeCounts(urlRegex, structure);
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile(urlRegex);
    } catch (PatternSyntaxException e) {
      throw new InvalidActivityException("The url regex '" + urlRegex + "' does not compile: " + e.getDescription()
          + ". Activity regexes use RE2 syntax (no backreferences, lookarounds or possessive quantifiers).");
    }
    if (structure == null) {
      throw new InvalidActivityException("The url regex '" + urlRegex + "' could not be analysed; simplify it"
          + " (plain segments, character classes, groups and quantifiers).");
    }
    if (pattern.programSize() > MAX_PROGRAM_SIZE) {
      throw new InvalidActivityException("The url regex '" + urlRegex + "' is too complex (large counted"
          + " repetitions?). Simplify it, e.g. use + instead of {1,500}.");
    }
    rejectBacktrackingHazards(urlRegex, structure);
    return pattern;
  }

  /**
   * The method exactly as it will be stored and matched: one of {@link #METHODS}, upper case, nothing around it. No
   * trimming or case folding: what an admin wrote is what is enforced, or it is refused.
   */
  public static void validateMethod(String method) {
    if (method == null || method.isEmpty()) {
      throw new InvalidActivityException("The method is missing. Use one of " + ALLOWED_METHODS + ".");
    }
    if (METHODS.contains(method)) {
      return;
    }
    String shown = shown(method);
    String upper = method.toUpperCase(java.util.Locale.ROOT);
    if (METHODS.contains(upper)) {
      throw new InvalidActivityException("The method '" + shown + "' must be upper case: " + upper + ". Methods are"
          + " stored exactly as sent, so send exactly one of " + ALLOWED_METHODS + ".");
    }
    if (METHODS.contains(method.strip().toUpperCase(java.util.Locale.ROOT))) {
      throw new InvalidActivityException("The method '" + shown + "' has spaces or other characters around it; send"
          + " exactly one of " + ALLOWED_METHODS + ".");
    }
    if (method.equals("HEAD")) {
      throw new InvalidActivityException("HEAD needs no activity: it is decided as GET. Store a GET activity instead.");
    }
    if (method.equals("OPTIONS")) {
      throw new InvalidActivityException("OPTIONS needs no activity: CORS preflight is answered before authorisation.");
    }
    throw new InvalidActivityException("The method '" + shown + "' is not supported. Use exactly one of "
        + ALLOWED_METHODS + ".");
  }

  /** A value as echoed in a message: long values cut short, so a 60 KB "method" does not come back whole. */
  private static String shown(String value) {
    return value.length() > 40 ? value.substring(0, 40) + "..." : value;
  }

  public static void validatePermission(String permission) {
    if (permission == null || permission.isBlank()) {
      throw new InvalidActivityException("A permission name is empty. Use the permission's name, e.g. view-roles.");
    }
    if (permission.length() > MAX_PERMISSION_LENGTH) {
      throw new InvalidActivityException("The permission name is longer than " + MAX_PERMISSION_LENGTH + " characters.");
    }
    for (int i = 0; i < permission.length(); i++) {
      char c = permission.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || c == ',') {
        throw new InvalidActivityException("The permission name '" + permission.strip() + "' contains whitespace, a"
            + " control character or ','. Use the permission's exact name, e.g. view-roles.");
      }
    }
  }

  /** At most {@value #MAX_DESCRIPTION_LENGTH} characters; line breaks and tabs are fine, other control characters not. */
  public static void validateDescription(String description) {
    if (description == null) {
      return;
    }
    if (description.length() > MAX_DESCRIPTION_LENGTH) {
      throw new InvalidActivityException("The description is longer than " + MAX_DESCRIPTION_LENGTH + " characters.");
    }
    for (int i = 0; i < description.length(); i++) {
      char c = description.charAt(i);
      if (Character.isISOControl(c) && c != '\n' && c != '\t') {
        throw new InvalidActivityException("The description contains the control character U+"
            + String.format("%04X", (int) c) + " at position " + i + "; remove it (line breaks and tabs are fine).");
      }
    }
  }

  /** The method an activity must have to decide a request with {@code requestMethod}: HEAD is decided as GET. */
  public static String decisionMethod(String requestMethod) {
    return "HEAD".equals(requestMethod) ? "GET" : requestMethod;
  }

  private static void rejectLargeCounts(String urlRegex, RegexStructure.Sequence sequence) {
    for (List<RegexStructure.Item> items : sequence.alternatives) {
      for (RegexStructure.Item item : items) {
        if (item.min > MAX_REPETITION_COUNT || item.max > MAX_REPETITION_COUNT) {
          throw new InvalidActivityException("The url regex '" + urlRegex + "' has a counted repetition above "
              + MAX_REPETITION_COUNT + ". Use + or * instead, e.g. [0-9]+ rather than [0-9]{1,500}.");
        }
        if (item.group != null) {
          rejectLargeCounts(urlRegex, item.group);
        }
      }
    }
  }

  private static void rejectBacktrackingHazards(String urlRegex, RegexStructure.Sequence sequence) {
    for (List<RegexStructure.Item> items : sequence.alternatives) {
      for (int i = 0; i < items.size(); i++) {
        RegexStructure.Item item = items.get(i);
        if (item.group != null) {
          if (item.repeats() && (item.unbounded() ? item.group.containsVariableRepetition()
              : item.group.containsUnboundedRepetition())) {
            throw new InvalidActivityException("The url regex '" + urlRegex + "' has a nested quantifier such as"
                + " (a+)+: it can backtrack catastrophically. Quantify only the inner or only the outer part.");
          }
          rejectBacktrackingHazards(urlRegex, item.group);
        } else if (item.unbounded()) {
          rejectOverlapWithEarlier(urlRegex, items, i);
        }
      }
    }
  }

  /** Two unbounded runs that can match the same characters, with only optional items between: {@code [^/]*[^/]*}. */
  private static void rejectOverlapWithEarlier(String urlRegex, List<RegexStructure.Item> items, int index) {
    RegexStructure.Item later = items.get(index);
    for (int j = index - 1; j >= 0; j--) {
      RegexStructure.Item earlier = items.get(j);
      if (earlier.isSingleCharacter() && earlier.unbounded() && overlap(earlier.atom, later.atom)) {
        throw new InvalidActivityException("The url regex '" + urlRegex + "' has adjacent repeated parts that"
            + " can match the same characters (" + earlier.atom + " then " + later.atom + "): it can backtrack"
            + " catastrophically. Merge them into one, e.g. " + later.atom + "+.");
      }
      if (earlier.min > 0) {
        return;
      }
    }
  }

  private static boolean overlap(String atomA, String atomB) {
    BitSet a = sampleMatches(atomA);
    a.and(sampleMatches(atomB));
    return !a.isEmpty();
  }

  private static BitSet sampleMatches(String atom) {
    BitSet matched = new BitSet(OVERLAP_SAMPLES.length());
    Pattern pattern;
    try {
      pattern = Pattern.compile(atom);
    } catch (PatternSyntaxException e) {
      matched.set(0, OVERLAP_SAMPLES.length()); // unknown: assume it matches anything
      return matched;
    }
    for (int i = 0; i < OVERLAP_SAMPLES.length(); i++) {
      if (pattern.matches(OVERLAP_SAMPLES.substring(i, i + 1))) {
        matched.set(i);
      }
    }
    return matched;
  }
}
