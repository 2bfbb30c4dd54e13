package dev.gatehouse.gateway.policy.bench;

import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.ActivityIndex;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Decision time of the in-memory index against a naive scan of every regex. See docs/benchmarks.md for the command. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ActivityDecisionBenchmark {

  @Param({"10", "1000", "10000"})
  public int activities;

  private ActivityIndex index;
  private List<Activity> all;
  private Pattern[] compiled;
  private String allowedPath;
  private Set<String> permissions;

  @Setup
  public void setUp() {
    all = BenchmarkActivities.generate(activities);
    index = ActivityIndex.build(all, 1);
    compiled = all.stream().map(a -> Pattern.compile(a.urlRegex())).toArray(Pattern[]::new);
    allowedPath = BenchmarkActivities.lastItemPath(all);
    Activity target = index.matchingActivities("GET", allowedPath).get(0);
    permissions = Set.of("some-other-permission", target.permissions().iterator().next(), "view-roles");
  }

  @Benchmark
  public boolean indexAllowed() {
    return index.decide("GET", allowedPath, permissions).allowed();
  }

  @Benchmark
  public boolean indexDenied() {
    return index.decide("GET", "/api/v1/unknown/thing/12345", permissions).allowed();
  }

  @Benchmark
  public boolean naiveScanAllowed() {
    for (int i = 0; i < compiled.length; i++) {
      Activity activity = all.get(i);
      if (activity.method().equals("GET") && compiled[i].matcher(allowedPath).matches()
          && activity.permissions().stream().anyMatch(permissions::contains)) {
        return true;
      }
    }
    return false;
  }
}
