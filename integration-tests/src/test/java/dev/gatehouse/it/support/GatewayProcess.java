package dev.gatehouse.it.support;

import dev.gatehouse.stack.StackLayout;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A gateway in its own JVM, started from the fat jar as a deployment would, so that it can be killed like a crashed
 * replica and its CPU time measured apart from the test's.
 */
public final class GatewayProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path logFile;

  private GatewayProcess(Process process, int port, Path logFile) {
    this.process = process;
    this.port = port;
    this.logFile = logFile;
  }

  /** Starts {@code java -jar gatehouse-gateway-all.jar --config <workDir>/gateway.json}; does not wait for readiness. */
  public static GatewayProcess start(JsonObject config, Path workDir) {
    return start(config, workDir, StackLayout.locate().root().resolve("vertx-gateway/target/gatehouse-gateway-all.jar"));
  }

  /** The same from another build of the fat jar (benchmarks compare builds side by side). */
  public static GatewayProcess start(JsonObject config, Path workDir, Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("Missing " + jar + "; build it with: mvn -DskipTests package -pl vertx-gateway");
    }
    try {
      Files.createDirectories(workDir);
      Path configFile = workDir.resolve("gateway.json");
      Files.writeString(configFile, config.encodePrettily());
      Path log = workDir.resolve("gateway.log");
      Process process = new ProcessBuilder("java", "-Xmx512m", "-jar", jar.toString(), "--config",
          configFile.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      return new GatewayProcess(process, config.getJsonObject("listen").getInteger("port"), log);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start a gateway process in " + workDir, e);
    }
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** Waits until {@code /health/ready} answers 200: keys and activities are loaded. */
  public GatewayProcess awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready(http)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("The gateway exited with code " + process.exitValue() + "; log: "
            + log());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("The gateway on port " + port + " was not ready within "
            + timeout.toSeconds() + " s; log: " + log());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for the gateway", e);
      }
    }
    return this;
  }

  private boolean ready(HttpClient http) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready"))
          .timeout(Duration.ofSeconds(2)).GET().build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the gateway", e);
    }
  }

  public String log() {
    try {
      return Files.readString(logFile);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /** SIGKILL: no drain, no goodbye to PostgreSQL, as a crash would. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }
}
