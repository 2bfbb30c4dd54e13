package dev.gatehouse.gateway.policy;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Immutable, in-memory index of all activities, built off the event loop and swapped whole. Pure Java: no I/O.
 *
 * <p>Per method, regexes of the shape "literal segments plus {@code [^/?#]+} / {@code [^/]+} segments" live in a
 * {@link SegmentTrie} and are decided without any regex engine. Every other regex is in a short fallback list,
 * matched with RE2/J (linear time) after a cheap literal-prefix check. Regexes always match the whole path.
 *
 * <p>Shadow activities never take part in {@link #decide}: they live in a second index of their own, asked only by
 * {@link #decideWithShadows}, and only when there is at least one.
 */
public final class ActivityIndex {

  private final Map<String, MethodIndex> byMethod;
  private final List<Activity> activities;
  private final long version;
  /** The shadow activities' own index; null when there are none (the common case costs nothing). */
  private final ActivityIndex shadows;

  private ActivityIndex(Map<String, MethodIndex> byMethod, List<Activity> activities, long version,
      ActivityIndex shadows) {
    this.byMethod = byMethod;
    this.activities = activities;
    this.version = version;
    this.shadows = shadows;
  }

  /** Builds an index; throws {@link InvalidActivityException} when any activity fails {@link ActivityPatterns#validate}. */
  public static ActivityIndex build(Collection<Activity> activities, long version) {
    return buildSkippingInvalid(activities, version, (activity, reason) -> {
      throw new InvalidActivityException("Activity " + activity.id() + " (" + activity.method() + " "
          + activity.urlRegex() + ") is invalid: " + reason);
    });
  }

  /**
   * Builds an index from everything valid in {@code activities} and reports each invalid one to {@code onSkipped}
   * with the reason. Skipping only ever removes access, it never widens it.
   */
  public static ActivityIndex buildSkippingInvalid(Collection<Activity> activities, long version,
      BiConsumer<Activity, String> onSkipped) {
    return build(activities, version, onSkipped, true, false);
  }

  /** For tests and benchmarks: every regex goes to the RE2/J fallback list. */
  static ActivityIndex buildWithoutTrie(Collection<Activity> activities, long version) {
    return build(activities, version, (activity, reason) -> {
      throw new InvalidActivityException(reason);
    }, false, false);
  }

  private static ActivityIndex build(Collection<Activity> activities, long version,
      BiConsumer<Activity, String> onSkipped, boolean useTrie, boolean shadowPass) {
    Map<String, MethodIndex.Builder> builders = new HashMap<>();
    List<Activity> accepted = new ArrayList<>(activities.size());
    List<Activity> shadowActivities = new ArrayList<>();
    for (Activity activity : activities) {
      if (activity.shadow() && !shadowPass) {
        shadowActivities.add(activity);
        continue;
      }
      try {
        ActivityPatterns.validateMethod(activity.method());
        List<SegmentPattern> segments = useTrie ? trieShape(activity.urlRegex()) : null;
        Pattern fallback = segments == null ? ActivityPatterns.compile(activity.urlRegex()) : null;
        MethodIndex.Builder builder = builders.computeIfAbsent(activity.method(), m -> new MethodIndex.Builder());
        if (segments != null) {
          builder.trie.add(segments, activity);
        } else {
          builder.fallback.add(new FallbackEntry(fallback, literalPrefix(activity.urlRegex()), activity));
        }
        accepted.add(activity);
      } catch (InvalidActivityException e) {
        onSkipped.accept(activity, e.getMessage());
      }
    }
    Map<String, MethodIndex> byMethod = new HashMap<>();
    builders.forEach((method, builder) -> byMethod.put(method, builder.build()));
    ActivityIndex shadows = shadowActivities.isEmpty() ? null
        : build(shadowActivities, version, onSkipped, useTrie, true);
    if (shadows != null && shadows.size() == 0) {
      shadows = null;
    }
    if (shadows != null) {
      accepted.addAll(shadows.activities());
    }
    return new ActivityIndex(Map.copyOf(byMethod), List.copyOf(accepted), version, shadows);
  }

  /** Trie-shaped regexes are safe by construction, so they skip the (slower) regex analysis; length still counts. */
  private static List<SegmentPattern> trieShape(String urlRegex) {
    if (urlRegex == null || urlRegex.length() > ActivityPatterns.MAX_REGEX_LENGTH) {
      return null; // let compile() explain
    }
    return SegmentPattern.parse(urlRegex);
  }

  /**
   * Allowed when any of {@code permissions} links to an activity whose method equals {@code method}
   * (HEAD is decided as GET) and whose regex matches the whole {@code normalizedPath}.
   */
  public Decision decide(String method, String normalizedPath, Collection<String> permissions) {
    if (method == null || normalizedPath == null || permissions == null || permissions.isEmpty()
        || normalizedPath.isEmpty() || normalizedPath.charAt(0) != '/') {
      return Decision.DENIED;
    }
    MethodIndex index = byMethod.get(ActivityPatterns.decisionMethod(method));
    if (index == null) {
      return Decision.DENIED;
    }
    Decision decision = index.decide(normalizedPath, permissions);
    return decision == null ? Decision.DENIED : decision;
  }

  /** Whether any shadow activity is loaded: when not, {@link #decideWithShadows} need never be asked. */
  public boolean hasShadows() {
    return shadows != null;
  }

  /**
   * The decision this request would get if the shadow activities were enforced, given the {@code enforced} one.
   * Activities only ever grant, so a shadow can only turn a denial into an allow: an allowed request stays allowed.
   */
  public Decision decideWithShadows(String method, String normalizedPath, Collection<String> permissions,
      Decision enforced) {
    if (shadows == null || enforced.allowed()) {
      return enforced;
    }
    return shadows.decide(method, normalizedPath, permissions);
  }

  /** Shadow activities whose method and regex match: for explaining what a shadow would do. */
  public List<Activity> matchingShadowActivities(String method, String normalizedPath) {
    return shadows == null ? List.of() : shadows.matchingActivities(method, normalizedPath);
  }

  /** Every activity whose method and regex match, whoever holds which permission: for explaining decisions. */
  public List<Activity> matchingActivities(String method, String normalizedPath) {
    MethodIndex index = method == null ? null : byMethod.get(ActivityPatterns.decisionMethod(method));
    if (index == null || normalizedPath == null || normalizedPath.isEmpty() || normalizedPath.charAt(0) != '/') {
      return List.of();
    }
    List<Activity> matches = new ArrayList<>();
    index.collect(normalizedPath, matches);
    return matches;
  }

  /** All activities in the index, enforced first, then shadows. */
  public List<Activity> activities() {
    return activities;
  }

  public int size() {
    return activities.size();
  }

  public long version() {
    return version;
  }

  /** How many activities need a regex engine (the rest are decided by the trie): a health signal for operators. */
  public int fallbackSize() {
    int count = 0;
    for (MethodIndex index : byMethod.values()) {
      count += index.fallback.length;
    }
    return count;
  }

  static boolean grants(Set<String> required, Collection<String> held) {
    if (held instanceof Set<String> heldSet && heldSet.size() > required.size()) {
      for (String permission : required) {
        if (heldSet.contains(permission)) {
          return true;
        }
      }
      return false;
    }
    for (String permission : held) {
      if (required.contains(permission)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The literal text every match must start with, used to skip most fallback regexes without running them.
   * Conservative: empty when in doubt (any alternation), and the character before a quantifier is left out.
   */
  static String literalPrefix(String urlRegex) {
    if (urlRegex.indexOf('|') >= 0) {
      return "";
    }
    int i = 0;
    while (i < urlRegex.length() && "\\.+*?()|[]{}^$".indexOf(urlRegex.charAt(i)) < 0) {
      i++;
    }
    boolean quantified = i < urlRegex.length() && "*?{+".indexOf(urlRegex.charAt(i)) >= 0;
    return urlRegex.substring(0, quantified ? Math.max(0, i - 1) : i);
  }

  record FallbackEntry(Pattern pattern, String literalPrefix, Activity activity, Decision allowed) {
    FallbackEntry(Pattern pattern, String literalPrefix, Activity activity) {
      this(pattern, literalPrefix, activity, Decision.allowedBy(activity));
    }

    boolean matches(String path) {
      return path.startsWith(literalPrefix) && pattern.matches(path);
    }
  }

  private static final class MethodIndex {
    private final SegmentTrie trie;
    private final FallbackEntry[] fallback;

    private MethodIndex(SegmentTrie trie, FallbackEntry[] fallback) {
      this.trie = trie;
      this.fallback = fallback;
    }

    Decision decide(String path, Collection<String> permissions) {
      Decision decision = trie.decide(path, permissions);
      if (decision != null) {
        return decision;
      }
      for (FallbackEntry entry : fallback) {
        if (grants(entry.activity().permissions(), permissions) && entry.matches(path)) {
          return entry.allowed();
        }
      }
      return null;
    }

    void collect(String path, List<Activity> matches) {
      trie.collect(path, matches);
      for (FallbackEntry entry : fallback) {
        if (entry.matches(path)) {
          matches.add(entry.activity());
        }
      }
    }

    static final class Builder {
      final SegmentTrie.Builder trie = new SegmentTrie.Builder();
      final List<FallbackEntry> fallback = new ArrayList<>();

      MethodIndex build() {
        return new MethodIndex(trie.build(), fallback.toArray(FallbackEntry[]::new));
      }
    }
  }
}
