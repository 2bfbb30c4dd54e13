package dev.gatehouse.gateway.token;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares two builds of the token verifier in one JVM, alternating between them every few milliseconds, and counts
 * the CPU time of the measuring thread rather than the wall clock. On a shared 2-core machine, JMH runs of the two
 * builds one after the other saw the load change between runs by more than the difference being measured; here both
 * builds meet the same load, and time spent descheduled is not counted.
 *
 * <p>Each build is a {@code target} directory holding {@code classes} and {@code test-classes} with
 * {@link TokenVerificationBenchmark}; its {@code dev.gatehouse} classes are loaded child-first, the libraries are shared.
 * Usage (see docs/benchmarks.md): {@code java -cp TEST_CLASSPATH dev.gatehouse.gateway.token.VerifierBuildComparison
 * A_TARGET_DIR B_TARGET_DIR [rounds]}.
 */
public final class VerifierBuildComparison {

  private static final int OPS_PER_TURN = 200;
  private static final int WARMUP_ROUNDS = 20;

  private VerifierBuildComparison() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: VerifierBuildComparison A_TARGET_DIR B_TARGET_DIR [rounds]");
      System.exit(2);
    }
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    Build a = new Build("A", Path.of(args[0]));
    Build b = new Build("B", Path.of(args[1]));
    for (String benchmark : new String[] {"rs256CacheMiss", "rs256CacheHit"}) {
      a.select(benchmark);
      b.select(benchmark);
      List<double[]> perRound = new ArrayList<>();
      for (int round = 0; round < WARMUP_ROUNDS + rounds; round++) {
        // ABBA order, so a steady drift in load favours neither build.
        boolean aFirst = round % 2 == 0;
        double first = (aFirst ? a : b).turn();
        double second = (aFirst ? b : a).turn();
        if (round >= WARMUP_ROUNDS) {
          perRound.add(aFirst ? new double[] {first, second} : new double[] {second, first});
        }
      }
      report(benchmark, perRound);
    }
  }

  private static void report(String benchmark, List<double[]> perRound) {
    double[] aTimes = perRound.stream().mapToDouble(r -> r[0]).sorted().toArray();
    double[] bTimes = perRound.stream().mapToDouble(r -> r[1]).sorted().toArray();
    double[] ratios = perRound.stream().mapToDouble(r -> r[1] / r[0]).sorted().toArray();
    System.out.printf(Locale.ROOT, "%s, CPU µs/op over %d rounds of %d ops (median [p25, p75]):%n", benchmark,
        perRound.size(), OPS_PER_TURN);
    System.out.printf(Locale.ROOT, "  A %s%n  B %s%n  B/A %s%n", quartiles(aTimes), quartiles(bTimes), quartiles(ratios));
  }

  private static String quartiles(double[] sorted) {
    return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", percentile(sorted, 50), percentile(sorted, 25),
        percentile(sorted, 75));
  }

  private static double percentile(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
  }

  /** One build's benchmark object, loaded in its own class loader. */
  private static final class Build {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Object state;
    private Method operation;
    private Object sink;

    Build(String name, Path target) throws Exception {
      URL[] urls = {target.resolve("test-classes").toUri().toURL(), target.resolve("classes").toUri().toURL()};
      ClassLoader loader = new ChildFirstLoader(name, urls, VerifierBuildComparison.class.getClassLoader());
      Class<?> type = loader.loadClass(TokenVerificationBenchmark.class.getName());
      if (type == TokenVerificationBenchmark.class) {
        throw new IllegalStateException("build " + name + " was not loaded from " + target);
      }
      state = type.getConstructor().newInstance();
      type.getMethod("setUp").invoke(state);
    }

    void select(String benchmark) throws NoSuchMethodException {
      operation = state.getClass().getMethod(benchmark);
    }

    /** CPU microseconds per operation over one turn. */
    double turn() throws Exception {
      long start = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < OPS_PER_TURN; i++) {
        sink = operation.invoke(state);
      }
      long cpu = THREADS.getCurrentThreadCpuTime() - start;
      if (sink == null) {
        throw new IllegalStateException("a verification failed");
      }
      return cpu / 1000.0 / OPS_PER_TURN;
    }
  }

  /** Loads the project's own classes from the given build first; everything else from the shared class path. */
  private static final class ChildFirstLoader extends URLClassLoader {
    ChildFirstLoader(String name, URL[] urls, ClassLoader parent) {
      super(name, urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("dev.gatehouse.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          try {
            loaded = findClass(name);
          } catch (ClassNotFoundException e) {
            loaded = super.loadClass(name, false);
          }
        }
        if (resolve) {
          resolveClass(loaded);
        }
        return loaded;
      }
    }
  }
}
