package dev.gatehouse.it.revocation;

import dev.gatehouse.it.gateway.RecordingUpstream;
import dev.gatehouse.it.support.GatewayProcess;
import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.gateway.LocalGateway;
import dev.gatehouse.stack.postgres.PostgresServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gateway replicas, each in its own JVM from the fat jar, on one PostgreSQL, in front of one recording upstream:
 * what a deployment with N replicas looks like. A replica can be stopped and started again on the same port.
 */
public final class GatewayReplicas implements AutoCloseable {
  static final Duration READY = Duration.ofSeconds(90);
  private static final Pattern DESCRIPTION = Pattern.compile("error_description=\"([^\"]*)\"");

  /** One answer of a gateway: the status and the {@code error_description} of a 401 (else null). */
  public record Answer(int status, String description) {
    public boolean refusedWith(String expected) {
      return status == 401 && expected.equals(description);
    }

    @Override
    public String toString() {
      return description == null ? String.valueOf(status) : status + " (" + description + ")";
    }
  }

  private final RecordingUpstream upstream;
  private final List<JsonObject> configs = new ArrayList<>();
  private final List<GatewayProcess> processes = new ArrayList<>();
  private final Path workDir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private GatewayReplicas(RecordingUpstream upstream, Path workDir) {
    this.upstream = upstream;
    this.workDir = workDir;
  }

  /**
   * Starts {@code count} replicas with the local configuration, each on a free port, and waits until all are ready.
   * {@code revocation.pollIntervalSeconds} is an hour: a change can reach them in time only through LISTEN/NOTIFY.
   */
  public static GatewayReplicas start(int count, String issuer, PostgresServer postgres, Path workDir) {
    GatewayReplicas replicas = new GatewayReplicas(RecordingUpstream.start(), workDir.toAbsolutePath());
    try {
      for (int i = 0; i < count; i++) {
        JsonObject config = LocalGateway.localConfig(issuer, postgres, replicas.upstream.baseUrl(), FreePorts.next(),
            StackLayout.locate().realmConfigDir().resolve("activities.json"));
        config.put("revocation", new JsonObject().put("pollIntervalSeconds", 3600).put("maxStalenessSeconds", 7200));
        replicas.configs.add(config);
        replicas.processes.add(GatewayProcess.start(config, replicas.workDir.resolve("gateway-" + i)));
      }
      replicas.processes.forEach(process -> process.awaitReady(READY));
      return replicas;
    } catch (RuntimeException e) {
      replicas.close();
      throw e;
    }
  }

  public int size() {
    return processes.size();
  }

  /** GET {@code path} on replica {@code index} with {@code bearer}. */
  public Answer get(int index, String path, String bearer) {
    try {
      return ask(index, path, bearer);
    } catch (IOException e) {
      throw new IllegalStateException("Gateway " + index + " did not answer: " + e.getMessage() + "; log: "
          + processes.get(index).log(), e);
    }
  }

  /** As {@link #get}, but a replica that does not listen (yet) is an answer too: {@code null}. */
  public Answer tryGet(int index, String path, String bearer) {
    try {
      return ask(index, path, bearer);
    } catch (IOException e) {
      return null;
    }
  }

  private Answer ask(int index, String path, String bearer) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(processes.get(index).baseUrl() + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + bearer).GET().build();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      String description = null;
      if (response.statusCode() == 401) {
        Matcher matcher = DESCRIPTION.matcher(response.headers().firstValue("WWW-Authenticate").orElse(""));
        description = matcher.find() ? matcher.group(1) : "";
      }
      return new Answer(response.statusCode(), description);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /** Stops replica {@code index} (SIGTERM, as a rolling restart does). */
  public void stop(int index) {
    processes.get(index).close();
  }

  /** Starts replica {@code index} again with its configuration and port; does not wait for readiness. */
  public GatewayProcess restart(int index) {
    if (processes.get(index).isRunning()) {
      throw new IllegalStateException("Gateway " + index + " is still running; stop it first");
    }
    GatewayProcess process = GatewayProcess.start(configs.get(index), workDir.resolve("gateway-" + index + "-again"));
    processes.set(index, process);
    return process;
  }

  public GatewayProcess process(int index) {
    return processes.get(index);
  }

  @Override
  public void close() {
    try {
      processes.forEach(GatewayProcess::close);
    } finally {
      upstream.close();
    }
  }
}
