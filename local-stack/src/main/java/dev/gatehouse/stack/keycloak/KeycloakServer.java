package dev.gatehouse.stack.keycloak;

import dev.gatehouse.stack.DevSecrets;
import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.WorkFiles;
import dev.gatehouse.stack.StackLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Keycloak server from the Maven Central distribution, with our providers jar and realm files, on loopback.
 * No Docker: each instance gets a private copy of the distribution and its own log file. By default it runs
 * {@code start-dev} on a fresh in-memory database; with {@link Production} it runs {@code start --optimized} from a
 * tree built once by {@link #buildForProduction}, on a shared PostgreSQL database, clustered with its peers.
 */
public final class KeycloakServer implements AutoCloseable {

  /** How to start one instance. Every field has a sane default; see {@link #defaults}. */
  public record Options(
      String instanceName,
      int httpPort,
      int managementPort,
      String adminUsername,
      String adminPassword,
      RealmFiles realms,
      List<String> features,
      Map<String, String> environment,
      Duration readyTimeout,
      Consumer<String> progress,
      Production production) {

    /** Development mode ({@code start-dev}, in-memory database, local caches). */
    public Options(String instanceName, int httpPort, int managementPort, String adminUsername, String adminPassword,
        RealmFiles realms, List<String> features, Map<String, String> environment, Duration readyTimeout,
        Consumer<String> progress) {
      this(instanceName, httpPort, managementPort, adminUsername, adminPassword, realms, features, environment,
          readyTimeout, progress, null);
    }

    /** Development realms (production + dev overlay + fake-google) with the dev secrets, admin/admin, free ports. */
    public static Options defaults(StackLayout layout) {
      return new Options("keycloak", 0, 0, "admin", "admin", RealmFiles.development(layout.realmConfigDir()),
          TokenExchangePermissions.FEATURES, DevSecrets.keycloakEnvironment(), defaultReadyTimeout(), message -> {});
    }

    /** 4 minutes; {@code -Dgatehouse.keycloakReadySeconds=N} raises it on a machine busy with other builds. */
    private static Duration defaultReadyTimeout() {
      return Duration.ofSeconds(Long.getLong("gatehouse.keycloakReadySeconds", 240));
    }

    public Options withPorts(int http, int management) {
      return new Options(instanceName, http, management, adminUsername, adminPassword, realms, features, environment,
          readyTimeout, progress, production);
    }

    public Options withRealms(RealmFiles realmFiles) {
      return new Options(instanceName, httpPort, managementPort, adminUsername, adminPassword, realmFiles, features,
          environment, readyTimeout, progress, production);
    }

    public Options withFeatures(List<String> featureList) {
      return new Options(instanceName, httpPort, managementPort, adminUsername, adminPassword, realms, featureList,
          environment, readyTimeout, progress, production);
    }

    /**
     * Adds to (and overrides within) the environment, keeping the rest, e.g. the dev secrets of {@link #defaults}.
     * There is deliberately no way to replace it whole: that silently dropped the secrets the realm files need.
     */
    public Options withExtraEnvironment(Map<String, String> extra) {
      Map<String, String> merged = new java.util.HashMap<>(environment);
      merged.putAll(extra);
      return new Options(instanceName, httpPort, managementPort, adminUsername, adminPassword, realms, features,
          Map.copyOf(merged), readyTimeout, progress, production);
    }

    public Options withProgress(Consumer<String> listener) {
      return new Options(instanceName, httpPort, managementPort, adminUsername, adminPassword, realms, features,
          environment, readyTimeout, listener, production);
    }

    public Options withInstanceName(String name) {
      return new Options(name, httpPort, managementPort, adminUsername, adminPassword, realms, features,
          environment, readyTimeout, progress, production);
    }

    /** Production mode instead of start-dev; see {@link Production}. */
    public Options withProduction(Production mode) {
      return new Options(instanceName, httpPort, managementPort, adminUsername, adminPassword, realms, features,
          environment, readyTimeout, progress, mode);
    }
  }

  /**
   * How a node runs in production mode.
   *
   * @param builtDistribution a tree from {@link #buildForProduction}; each node starts from a copy of it
   * @param jdbcUrl the shared PostgreSQL database; nodes on one database find each other there (jdbc-ping)
   * @param hostname the public URL every node puts into tokens (their issuer), identical on all nodes
   * @param clusterPort the JGroups port on 127.0.0.1; failure detection also uses {@code clusterPort + 50000}
   * @param importRealms whether this node imports the realm files (the first node only: later nodes find the realms in
   *     the database)
   */
  public record Production(Path builtDistribution, String jdbcUrl, String dbUsername, String dbPassword,
      String hostname, int clusterPort, boolean importRealms) {
    /** JGroups' FD_SOCK2 listens at the transport port plus this offset (its default). */
    public static final int FAILURE_DETECTION_PORT_OFFSET = 50_000;

    public Production withoutRealmImport() {
      return new Production(builtDistribution, jdbcUrl, dbUsername, dbPassword, hostname, clusterPort, false);
    }

    public Production withClusterPort(int port) {
      return new Production(builtDistribution, jdbcUrl, dbUsername, dbPassword, hostname, port, importRealms);
    }
  }

  private static final int LOG_TAIL_LINES = 60;
  /** "2026-11-29 07:00:21,564 INFO  [category] (thread) " before a Keycloak log message. */
  private static final Pattern LOG_PREFIX =
      Pattern.compile("^\\d{4}-\\d\\d-\\d\\d [\\d:,.]+\\s+\\w+\\s+\\[[^\\]]*]\\s+\\([^)]*\\)\\s+");

  private final StackLayout layout;
  private final Options options;
  private final int httpPort;
  private final int managementPort;
  private final Path home;
  private final Path logFile;
  private Process process;
  /** Stops the server if this JVM exits before {@link #close()}, e.g. Ctrl-C while Keycloak is still starting. */
  private Thread stopOnExit;

  private KeycloakServer(StackLayout layout, Options options) {
    this.layout = layout;
    this.options = options;
    this.httpPort = options.httpPort() > 0 ? options.httpPort() : FreePorts.next();
    this.managementPort = options.managementPort() > 0 ? options.managementPort() : FreePorts.next();
    this.home = layout.workDir().resolve(options.instanceName() + "-" + ProcessHandle.current().pid() + "-" + httpPort);
    this.logFile = home.resolve("keycloak.log");
  }

  /** Starts the server and returns once every imported realm serves its discovery document. */
  public static KeycloakServer start(StackLayout layout, Options options) {
    KeycloakServer server = new KeycloakServer(layout, options);
    try {
      server.launch();
      server.awaitRealms();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** The URL in tokens and discovery documents: this node's own, or in production the hostname all nodes share. */
  public String publicUrl() {
    return options.production() == null ? baseUrl() : options.production().hostname();
  }

  public String issuer(String realm) {
    return publicUrl() + "/realms/" + realm;
  }

  public int httpPort() {
    return httpPort;
  }

  public int managementPort() {
    return managementPort;
  }

  public Path logFile() {
    return logFile;
  }

  public Options options() {
    return options;
  }

  /** The server's log so far, e.g. for tests that assert a warning was logged. */
  public String log() {
    try {
      return Files.readString(logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + logFile, e);
    }
  }

  public KeycloakAdminClient admin() {
    return new KeycloakAdminClient(baseUrl(), options.adminUsername(), options.adminPassword());
  }

  private void launch() {
    options.progress().accept("Preparing Keycloak " + StackLayout.KEYCLOAK_VERSION + " in " + home);
    WorkFiles.deleteTree(home);
    Production production = options.production();
    if (production == null) {
      installDistribution(layout, home);
      addPostgresDriverForDevMode(home);
    } else {
      copyTree(production.builtDistribution(), home);
      WorkFiles.deleteTree(home.resolve("data"));
    }
    if (production == null || production.importRealms()) {
      options.realms().writeTo(home.resolve("data/import"));
    }

    List<String> command = new ArrayList<>(List.of("/bin/bash", home.resolve("bin/kc.sh").toString()));
    command.addAll(production == null ? devArguments() : productionArguments(production));
    command.addAll(List.of(
        "--http-host=127.0.0.1",
        "--http-port=" + httpPort,
        "--http-management-port=" + managementPort,
        // A pinned hostname keeps every token's issuer the same, whichever loopback name (or node) a client used.
        "--hostname=" + publicUrl()));
    if (production == null || production.importRealms()) {
      command.add("--import-realm");
    }
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(home.toFile())
        .redirectErrorStream(true)
        .redirectOutput(logFile.toFile());
    Map<String, String> env = builder.environment();
    env.put("KC_BOOTSTRAP_ADMIN_USERNAME", options.adminUsername());
    env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", options.adminPassword());
    env.putIfAbsent("GATEHOUSE_KEYCLOAK_URL", publicUrl());
    env.putAll(options.environment());
    options.progress().accept("Starting Keycloak on " + baseUrl() + " (log: " + logFile + ")");
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start Keycloak with " + command + ": " + e.getMessage(), e);
    }
    // A child process outlives its JVM unless someone stops it: it would keep the ports and the next run would fail.
    stopOnExit = new Thread(this::close, "stop-keycloak-" + httpPort);
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  private List<String> devArguments() {
    List<String> arguments = new ArrayList<>(List.of("start-dev", "--db=dev-mem", "--health-enabled=true",
        "--cache=local"));
    if (!options.features().isEmpty()) {
      arguments.add("--features=" + String.join(",", options.features()));
    }
    return arguments;
  }

  /** Runtime options only: the build-time ones (database vendor, features, health) are baked into the tree. */
  private static List<String> productionArguments(Production production) {
    return List.of("start", "--optimized",
        "--http-enabled=true",
        "--db-url=" + production.jdbcUrl(),
        "--db-username=" + production.dbUsername(),
        "--db-password=" + production.dbPassword(),
        // Keycloak's default pool (100) per node would exhaust a test database's connection limit.
        "--db-pool-max-size=10",
        "--cache=ispn",
        "--cache-stack=jdbc-ping",
        // Default is a site-local address and port 7800: loopback and a free port let several nodes share a machine.
        "--cache-embedded-network-bind-address=127.0.0.1",
        "--cache-embedded-network-bind-port=" + production.clusterPort());
  }

  /**
   * Augments a private copy of the distribution once for production mode ({@code kc.sh build}: PostgreSQL, health,
   * the options' features), so that every node can {@code start --optimized} from a copy without the slow build.
   */
  public static Path buildForProduction(StackLayout layout, Options options, Path target) {
    long started = System.nanoTime();
    options.progress().accept("Building Keycloak for production mode in " + target);
    WorkFiles.deleteTree(target);
    installDistribution(layout, target);
    List<String> command = new ArrayList<>(List.of("/bin/bash", target.resolve("bin/kc.sh").toString(), "build",
        "--db=postgres", "--health-enabled=true"));
    if (!options.features().isEmpty()) {
      command.add("--features=" + String.join(",", options.features()));
    }
    Path buildLog = target.resolve("build.log");
    try {
      Process build = new ProcessBuilder(command).directory(target.toFile()).redirectErrorStream(true)
          .redirectOutput(buildLog.toFile()).start();
      if (!build.waitFor(options.readyTimeout().toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
        build.destroyForcibly();
        throw new IllegalStateException("kc.sh build did not finish within " + options.readyTimeout().toSeconds()
            + " s; see " + buildLog);
      }
      if (build.exitValue() != 0) {
        throw new IllegalStateException("kc.sh build failed with code " + build.exitValue() + ":\n"
            + Files.readString(buildLog));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while building Keycloak", e);
    }
    options.progress().accept("Keycloak built for production mode ("
        + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s)");
    return target;
  }

  private static void installDistribution(StackLayout layout, Path target) {
    copyTree(layout.keycloakDistribution(), target);
    copyFile(layout.providersJar(), target.resolve("providers").resolve(layout.providersJar().getFileName()));
  }

  /**
   * The revocation listener writes to the gateways' PostgreSQL with the driver Keycloak ships. A server built for
   * PostgreSQL (production mode here, and the image) has it on its classpath; dev mode (H2) does not, so it gets the
   * distribution's own copy as a provider jar.
   */
  private static void addPostgresDriverForDevMode(Path home) {
    Path lib = home.resolve("lib/lib/main");
    try (Stream<Path> jars = Files.list(lib)) {
      Path driver = jars
          .filter(jar -> jar.getFileName().toString().matches("org\\.postgresql\\.postgresql-.*\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("No PostgreSQL JDBC driver in " + lib));
      copyFile(driver, home.resolve("providers").resolve(driver.getFileName()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + lib, e);
    }
  }

  private void awaitRealms() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long started = System.nanoTime();
    long deadline = started + options.readyTimeout().toNanos();
    long nextProgress = started;
    List<String> pending = new ArrayList<>(options.realms().names());
    while (!pending.isEmpty()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Keycloak exited with code " + process.exitValue()
            + " before it was ready. Last lines of " + logFile + ":\n" + logTail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Keycloak was not ready within " + options.readyTimeout().toSeconds()
            + " s (realms still missing: " + pending + "). Last lines of " + logFile + ":\n" + logTail());
      }
      pending.removeIf(realm -> serves(http, baseUrl() + "/realms/" + realm + "/.well-known/openid-configuration"));
      if (System.nanoTime() >= nextProgress) {
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        options.progress().accept("  ... " + seconds + " s: " + lastMeaningfulLogLine());
        nextProgress = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      }
      if (!pending.isEmpty()) {
        pause(Duration.ofMillis(250));
      }
    }
    options.progress().accept("Keycloak is ready at " + baseUrl() + " with realms " + options.realms().names()
        + " (" + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s)");
  }

  private static boolean serves(HttpClient http, String url) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 20 s) and deletes its private copy. */
  @Override
  public synchronized void close() {
    if (stopOnExit != null && Thread.currentThread() != stopOnExit) {
      try {
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
      } catch (IllegalStateException alreadyExiting) {
        // The hook runs (or ran) anyway; close() is safe to call twice.
      }
    }
    if (process != null && process.isAlive()) {
      options.progress().accept("Stopping Keycloak on " + baseUrl());
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (!Boolean.getBoolean("gatehouse.keepKeycloakHome")) {
      WorkFiles.deleteTree(home);
    }
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Kills the server without a graceful shutdown, as a crash would (fault tests). */
  public void kill() {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  public String logTail() {
    try (Stream<String> lines = Files.lines(logFile)) {
      List<String> all = lines.toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - LOG_TAIL_LINES), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unavailable: " + e.getMessage() + ")";
    }
  }

  private String lastMeaningfulLogLine() {
    try (Stream<String> lines = Files.lines(logFile)) {
      return lines.filter(line -> !line.isBlank())
          .reduce((first, second) -> second)
          .map(line -> LOG_PREFIX.matcher(line).replaceFirst(""))
          .map(line -> line.length() > 140 ? line.substring(0, 140) + "..." : line)
          .orElse("starting (no log output yet)");
    } catch (IOException | UncheckedIOException e) {
      return "starting";
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
    }
  }

  private static void copyTree(Path source, Path target) {
    try {
      Files.walkFileTree(source, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          Files.createDirectories(target.resolve(source.relativize(dir).toString()));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.copy(file, target.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy the Keycloak distribution to " + target, e);
    }
  }

  private static void copyFile(Path source, Path target) {
    try {
      Files.createDirectories(target.getParent());
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy " + source + " to " + target, e);
    }
  }
}
