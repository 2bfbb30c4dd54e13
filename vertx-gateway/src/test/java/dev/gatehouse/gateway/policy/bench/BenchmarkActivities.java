package dev.gatehouse.gateway.policy.bench;

import dev.gatehouse.gateway.policy.Activity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A synthetic activity set shaped like a real suite: per resource a collection, an item and a sub-collection
 * route, spread over services and methods, with one in fifty regexes outside the trie shape.
 */
final class BenchmarkActivities {
  static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};

  private BenchmarkActivities() {}

  static List<Activity> generate(int count) {
    List<Activity> activities = new ArrayList<>(count);
    for (int i = 0; activities.size() < count; i++) {
      String method = METHODS[i % METHODS.length];
      String base = "/api/v1/service" + (i / 40) + "/resource" + (i % 40);
      String regex = switch ((i / METHODS.length) % 3) {
        case 0 -> base;
        case 1 -> base + "/[^/?#]+";
        default -> i % 50 == 11 ? base + "/[0-9]+/items/.*" : base + "/[^/?#]+/items";
      };
      activities.add(new Activity(i + 1, method, regex, "", Set.of("perm-" + (i % 200))));
    }
    return activities;
  }

  /** A path matched by the last GET item route, so that a naive scan has to go (almost) all the way. */
  static String lastItemPath(List<Activity> activities) {
    for (int i = activities.size() - 1; i >= 0; i--) {
      Activity activity = activities.get(i);
      if (activity.method().equals("GET") && activity.urlRegex().endsWith("/[^/?#]+")) {
        return activity.urlRegex().replace("[^/?#]+", "12345");
      }
    }
    throw new IllegalStateException("no GET item route among " + activities.size() + " activities");
  }
}
