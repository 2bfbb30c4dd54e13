package dev.gatehouse.it.support;

import dev.gatehouse.stack.StackLayout;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A gateway in its own JVM, started from the fat jar as a deployment would, so that it can be killed like a crashed
 * replica and its CPU time measured apart from the test's.
 */
public final class GatewayProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path logFile;
  /** The certificate the gateway serves (tls.certFile), trusted by the readiness check; null for plain HTTP. */
  private final Path certificate;

  private GatewayProcess(Process process, int port, Path logFile, Path certificate) {
    this.process = process;
    this.port = port;
    this.logFile = logFile;
    this.certificate = certificate;
  }

  /** Starts {@code java -jar gatehouse-gateway-all.jar --config <workDir>/gateway.json}; does not wait for readiness. */
  public static GatewayProcess start(JsonObject config, Path workDir) {
    return start(config, workDir, StackLayout.locate().root().resolve("vertx-gateway/target/gatehouse-gateway-all.jar"));
  }

  /** The same from another build of the fat jar (benchmarks compare builds side by side). */
  public static GatewayProcess start(JsonObject config, Path workDir, Path jar) {
    return start(config, workDir, jar, List.of());
  }

  /** The same with extra JVM options, e.g. JSSE system properties. */
  public static GatewayProcess start(JsonObject config, Path workDir, Path jar, List<String> jvmOptions) {
    return start(config, workDir, jar, jvmOptions, List.of("java"));
  }

  /**
   * @param launcher the command that runs the JVM, e.g. {@code ["java"]}, another JDK's {@code java}, or
   *                 {@code ["taskset", "-c", "0", "java"]}
   */
  public static GatewayProcess start(JsonObject config, Path workDir, Path jar, List<String> jvmOptions,
      List<String> launcher) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("Missing " + jar + "; build it with: mvn -DskipTests package -pl vertx-gateway");
    }
    try {
      Files.createDirectories(workDir);
      Path configFile = workDir.resolve("gateway.json");
      Files.writeString(configFile, config.encodePrettily());
      Path log = workDir.resolve("gateway.log");
      List<String> command = new ArrayList<>(launcher);
      command.add("-Xmx512m");
      command.addAll(jvmOptions);
      command.addAll(List.of("-jar", jar.toString(), "--config", configFile.toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      // The tests read the plain-text log layout; the jar's default is JSON lines.
      builder.environment().put("GATEHOUSE_LOG_FORMAT", "text");
      Process process = builder.start();
      JsonObject tls = config.getJsonObject("tls", new JsonObject());
      String certFile = tls.getString("certFile");
      return new GatewayProcess(process, config.getJsonObject("listen").getInteger("port"), log,
          certFile == null ? null : Path.of(certFile));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start a gateway process in " + workDir, e);
    }
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return (certificate == null ? "http" : "https") + "://127.0.0.1:" + port;
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** Waits until {@code /health/ready} answers 200: keys and activities are loaded. */
  public GatewayProcess awaitReady(Duration timeout) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (certificate != null) {
      builder.sslContext(trusting(certificate));
    }
    HttpClient http = builder.build();
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

  /** A client context that trusts exactly the gateway's own certificate (the tests issue it for 127.0.0.1). */
  private static SSLContext trusting(Path certificate) {
    try (InputStream in = Files.newInputStream(certificate)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("gateway", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("Cannot trust the gateway's certificate " + certificate, e);
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
