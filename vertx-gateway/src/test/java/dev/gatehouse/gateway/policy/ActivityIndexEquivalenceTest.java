package dev.gatehouse.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property-style check: for random activities and paths, the trie + fallback index decides exactly as a naive
 * scan of every activity with java.util.regex whole-string matching, and exactly as an RE2/J-only index.
 */
class ActivityIndexEquivalenceTest {

  private static final String[] LITERALS = {"api", "v1", "v2", "roles", "users", "a", "b", "x\\.y", ""};
  private static final String[] WILDCARDS = {"[^/?#]+", "[^/]+"};
  private static final String[] REGEX_SEGMENTS = {"[0-9]+", "(a|b)", "v[12]", "[a-z]+\\.y", ".*", "x?y?", "r.*s"};
  private static final String[] PATH_SEGMENTS = {"api", "v1", "v2", "roles", "users", "a", "b", "x.y", "", "12", "a?b",
      "a#b", "xy", "rolesX", "ab", "r/s"};
  private static final String[] METHODS = {"GET", "POST", "DELETE"};
  private static final String[] PERMISSIONS = {"p1", "p2", "p3", "p4"};

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void trieAndFallbackDecideLikeANaiveScan(long seed) {
    Random random = new Random(seed);
    List<Activity> activities = randomActivities(random, 200);
    ActivityIndex index = ActivityIndex.build(activities, 1);
    ActivityIndex regexOnly = ActivityIndex.buildWithoutTrie(activities, 1);
    assertThat(index.fallbackSize()).isLessThan(activities.size()); // the trie is really exercised

    int allowed = 0;
    for (int i = 0; i < 3000; i++) {
      String method = random.nextInt(10) == 0 ? "HEAD" : METHODS[random.nextInt(METHODS.length)];
      String path = i % 2 == 0 ? randomPath(random) : pathLike(activities.get(random.nextInt(activities.size())), random);
      Set<String> held = randomPermissions(random);

      boolean expected = naiveScan(activities, method, path, held);
      Decision decision = index.decide(method, path, held);
      assertThat(decision.allowed()).as("%s %s with %s", method, path, held).isEqualTo(expected);
      assertThat(regexOnly.decide(method, path, held).allowed()).as("regex-only %s %s", method, path).isEqualTo(expected);
      if (decision.allowed()) {
        allowed++;
        Activity deciding = decision.decidingActivity();
        assertThat(Pattern.matches(deciding.urlRegex(), path)).isTrue();
        assertThat(deciding.permissions()).containsAnyElementsOf(held);
      }
      assertThat(index.matchingActivities(method, path)).containsExactlyInAnyOrderElementsOf(
          naiveMatches(activities, method, path));
    }
    assertThat(allowed).as("both outcomes are exercised").isBetween(100, 2900);
  }

  private static boolean naiveScan(List<Activity> activities, String method, String path, Set<String> held) {
    return naiveMatches(activities, method, path).stream()
        .anyMatch(activity -> activity.permissions().stream().anyMatch(held::contains));
  }

  private static List<Activity> naiveMatches(List<Activity> activities, String method, String path) {
    String decisionMethod = method.equals("HEAD") ? "GET" : method;
    return activities.stream()
        .filter(a -> a.method().equals(decisionMethod) && Pattern.compile(a.urlRegex()).matcher(path).matches())
        .toList();
  }

  private static List<Activity> randomActivities(Random random, int count) {
    Set<String> seen = new HashSet<>();
    List<Activity> activities = new ArrayList<>();
    while (activities.size() < count) {
      StringBuilder regex = new StringBuilder();
      int segments = 1 + random.nextInt(4);
      for (int s = 0; s < segments; s++) {
        int kind = random.nextInt(10);
        String segment = kind < 6 ? LITERALS[random.nextInt(LITERALS.length)]
            : kind < 8 ? WILDCARDS[random.nextInt(WILDCARDS.length)] : REGEX_SEGMENTS[random.nextInt(REGEX_SEGMENTS.length)];
        regex.append('/').append(segment);
      }
      String method = METHODS[random.nextInt(METHODS.length)];
      if (!seen.add(method + regex)) {
        continue;
      }
      try {
        ActivityPatterns.validate(method, regex.toString());
      } catch (InvalidActivityException e) {
        continue;
      }
      activities.add(new Activity(activities.size() + 1, method, regex.toString(), "", randomPermissions(random)));
    }
    return activities;
  }

  /** A path built from an activity's own segments, so that many paths match something. */
  private static String pathLike(Activity activity, Random random) {
    StringBuilder path = new StringBuilder();
    for (String part : activity.urlRegex().substring(1).split("/", -1)) {
      boolean literal = !part.contains("[") && !part.contains("(") && !part.contains("*") && !part.contains("?");
      path.append('/').append(literal ? part.replace("\\.", ".") : PATH_SEGMENTS[random.nextInt(PATH_SEGMENTS.length)]);
    }
    return path.toString();
  }

  private static String randomPath(Random random) {
    StringBuilder path = new StringBuilder();
    int segments = 1 + random.nextInt(5);
    for (int s = 0; s < segments; s++) {
      path.append('/').append(PATH_SEGMENTS[random.nextInt(PATH_SEGMENTS.length)]);
    }
    return path.toString();
  }

  private static Set<String> randomPermissions(Random random) {
    Set<String> permissions = new HashSet<>();
    for (String permission : PERMISSIONS) {
      if (random.nextInt(3) == 0) {
        permissions.add(permission);
      }
    }
    return permissions;
  }
}
