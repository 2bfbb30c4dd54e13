package dev.gatehouse.it.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Renders a Kustomize directory offline with {@code kubectl kustomize}, the tool operators apply it with. */
final class Kustomize {
  /** Components, labels and replacements with regex selectors and delimiters, as deploy/kubernetes uses them. */
  static final int MIN_KUSTOMIZE_MAJOR = 5;
  private static final Pattern KUSTOMIZE_VERSION = Pattern.compile("Kustomize Version: v(\\d+)\\.");

  private Kustomize() {}

  /** Fails with what to do when kubectl is missing or its Kustomize is older than the manifests need. */
  static void requireKubectl() {
    Commands.Result version;
    try {
      version = run(List.of("kubectl", "version", "--client"));
    } catch (IOException e) {
      throw new AssertionError("kubectl is not on the PATH. deploy/kubernetes is rendered with `kubectl kustomize` "
          + "(kubectl 1.27 or later, Kustomize " + MIN_KUSTOMIZE_MAJOR + "+): install kubectl; .ci/run checks "
          + "for it. (" + e.getMessage() + ")", e);
    }
    Matcher m = KUSTOMIZE_VERSION.matcher(version.stdout());
    if (version.exitCode() != 0 || !m.find() || Integer.parseInt(m.group(1)) < MIN_KUSTOMIZE_MAJOR) {
      throw new AssertionError("kubectl must bring Kustomize " + MIN_KUSTOMIZE_MAJOR + " or later (kubectl 1.27+); "
          + "`kubectl version --client` said: " + version.stdout().strip() + " " + version.stderr().strip());
    }
  }

  /** The rendered YAML stream of {@code dir}. */
  static String render(Path dir) {
    Commands.Result result;
    try {
      result = run(List.of("kubectl", "kustomize", dir.toString()));
    } catch (IOException e) {
      throw new AssertionError("cannot run kubectl kustomize " + dir + ": " + e.getMessage(), e);
    }
    if (result.exitCode() != 0) {
      throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + result.exitCode() + "):\n"
          + result.stderr());
    }
    return result.stdout();
  }

  private static Commands.Result run(List<String> command) throws IOException {
    return Commands.run(new ProcessBuilder(command), Duration.ofSeconds(60));
  }
}
