package dev.gatehouse.it.gateway;

import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.WorkFiles;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.keycloak.KeycloakServer.Production;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two Keycloak nodes in production mode on one PostgreSQL database, clustered over loopback: built once, node 1
 * imports the realms, node 2 joins. Both put node 1's URL into tokens, so either can issue them for the same issuer.
 */
final class KeycloakCluster implements AutoCloseable {
  /** Infinispan's log line for each membership change, e.g. "... cluster view for channel ISPN: [n1|1] (2) [n1, n2]". */
  private static final Pattern CLUSTER_VIEW =
      Pattern.compile("ISPN000094: Received new cluster view for channel \\S+: \\[[^\\]]*\\] \\((\\d+)\\)");

  private final List<KeycloakServer> nodes = new ArrayList<>();
  private final Path buildDir;
  private final List<String> timings = new ArrayList<>();

  private KeycloakCluster(Path buildDir) {
    this.buildDir = buildDir;
  }

  static KeycloakCluster start(PostgresServer postgres, String database) {
    StackLayout layout = StackLayout.locate();
    postgres.execute("CREATE DATABASE " + database);
    KeycloakServer.Options base = KeycloakServer.Options.defaults(layout)
        .withProgress(message -> System.out.println("[keycloak-cluster] " + message));
    KeycloakCluster cluster = new KeycloakCluster(
        layout.workDir().resolve("keycloak-build-" + ProcessHandle.current().pid()));
    try {
      long started = System.nanoTime();
      Path built = KeycloakServer.buildForProduction(layout, base, cluster.buildDir);
      cluster.timings.add("build " + secondsSince(started) + " s");

      int node1Port = FreePorts.next();
      Production production = new Production(built, postgres.jdbcUrl(database), PostgresServer.USER,
          PostgresServer.PASSWORD, "http://127.0.0.1:" + node1Port, freeClusterPort(), true);
      started = System.nanoTime();
      cluster.nodes.add(KeycloakServer.start(layout, base.withInstanceName("keycloak-node1")
          .withPorts(node1Port, FreePorts.next()).withProduction(production)));
      cluster.timings.add("node 1 (fresh schema + realm import) " + secondsSince(started) + " s");

      started = System.nanoTime();
      cluster.nodes.add(KeycloakServer.start(layout, base.withInstanceName("keycloak-node2")
          .withPorts(FreePorts.next(), FreePorts.next())
          .withProduction(production.withoutRealmImport().withClusterPort(freeClusterPort()))));
      cluster.awaitMembers(2, Duration.ofSeconds(60));
      cluster.timings.add("node 2 (joins) " + secondsSince(started) + " s");
      System.out.println("[keycloak-cluster] start times: " + String.join(", ", cluster.timings));
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  KeycloakServer node1() {
    return nodes.get(0);
  }

  KeycloakServer node2() {
    return nodes.get(1);
  }

  /** The issuer of every token, whichever node issued it. */
  String issuer() {
    return node1().issuer(RealmTokens.REALM);
  }

  /** Waits until every running node's latest cluster view has {@code members} members. */
  void awaitMembers(int members, Duration timeout) {
    Poll.until(timeout, "every running Keycloak node sees a cluster of " + members, () -> nodes.stream()
        .filter(KeycloakServer::isRunning)
        .allMatch(node -> lastClusterSize(node) == members));
  }

  static int lastClusterSize(KeycloakServer node) {
    Matcher matcher = CLUSTER_VIEW.matcher(node.log());
    int size = 0;
    while (matcher.find()) {
      size = Integer.parseInt(matcher.group(1));
    }
    return size;
  }

  @Override
  public void close() {
    for (KeycloakServer node : nodes) {
      node.close();
    }
    WorkFiles.deleteTree(buildDir);
  }

  /**
   * A free JGroups port whose failure-detection partner ({@code port + 50000}) is free too, so below 15536 and
   * away from the well-known 7800 another Keycloak on this machine may hold.
   */
  private static int freeClusterPort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(10_000, 15_500);
      if (free(port) && free(port + Production.FAILURE_DETECTION_PORT_OFFSET)) {
        return port;
      }
    }
    throw new IllegalStateException("No free pair of loopback ports p, p+50000 for JGroups in 10000-15500");
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static long secondsSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
  }
}
