package dev.gatehouse.stack;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the repository's build outputs and shared files are. Everything the stack launches comes from one checkout:
 * the providers jar and the unpacked Keycloak distribution are Maven build outputs, the realm lives in realm-config/.
 */
public record StackLayout(Path root) {

  public static final String KEYCLOAK_VERSION = "26.7.3";

  /**
   * Finds the checkout from the {@code gatehouse.root} system property (set by the build for tests), the
   * {@code GATEHOUSE_ROOT} environment variable, or by walking up from the working directory.
   */
  public static StackLayout locate() {
    String configured = System.getProperty("gatehouse.root", System.getenv("GATEHOUSE_ROOT"));
    if (configured != null && !configured.isBlank()) {
      return new StackLayout(Path.of(configured).toAbsolutePath().normalize()).verified();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("realm-config")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return new StackLayout(dir).verified();
      }
    }
    throw new IllegalStateException("Cannot find the Gatehouse checkout: run from inside it, or set GATEHOUSE_ROOT.");
  }

  public Path realmConfigDir() {
    return root.resolve("realm-config");
  }

  public Path providersJar() {
    return root.resolve("keycloak-providers/target/gatehouse-keycloak-providers.jar");
  }

  public Path keycloakDistribution() {
    return root.resolve("local-stack/target/keycloak-dist/keycloak-" + KEYCLOAK_VERSION);
  }

  /** Scratch space for running servers; ignored by git, safe to delete when nothing runs. */
  public Path workDir() {
    return root.resolve(".gatehouse");
  }

  private StackLayout verified() {
    requireExists(realmConfigDir(), "the realm configuration");
    requireExists(providersJar(), "the providers jar; build it with: mvn -DskipTests package");
    requireExists(keycloakDistribution().resolve("bin/kc.sh"),
        "the unpacked Keycloak distribution; build it with: mvn -DskipTests package");
    return this;
  }

  private static void requireExists(Path path, String what) {
    if (!Files.exists(path)) {
      throw new IllegalStateException("Missing " + what + " (expected at " + path + ").");
    }
  }
}
