package dev.gatehouse.stack;

import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * {@code ./run.sh}: the whole stack on embedded defaults, in the foreground, until Ctrl-C.
 */
public final class LocalStackMain {

  private final Deque<AutoCloseable> running = new ArrayDeque<>();

  public static void main(String[] args) {
    new LocalStackMain().run();
  }

  private void run() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "gatehouse-stop"));
    try {
      StackLayout layout = StackLayout.locate();
      LocalStackSettings settings = LocalStackSettings.fromEnvironment(System.getenv());
      say("Gatehouse local stack (embedded defaults; for development only)");

      KeycloakServer keycloak = KeycloakServer.start(layout, KeycloakServer.Options.defaults(layout)
          .withPorts(settings.keycloakPort(), settings.keycloakManagementPort())
          .withProgress(LocalStackMain::say));
      running.push(keycloak);

      printSummary(settings, keycloak);
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      System.err.println();
      System.err.println("Gatehouse local stack failed: " + e.getMessage());
      stopAll();
      System.exit(1);
    }
  }

  private static void printSummary(LocalStackSettings settings, KeycloakServer keycloak) {
    String kc = keycloak.baseUrl();
    say("");
    say("Gatehouse is up.");
    say("  Keycloak admin console  " + kc + "/admin/master/console/#/gatehouse   (admin / admin, local only)");
    say("  Login page (account)    " + kc + "/realms/gatehouse/account   -> \"fake-google\" -> alice / alice or bob / bob");
    say("  Token endpoint          " + kc + "/realms/gatehouse/protocol/openid-connect/token");
    say("  Test users (password grant via client 'gatehouse-test'): carol / carol, dave / dave, erin / erin");
    say("  Service account         client 'reporting-service', secret " + settings.reportingServiceSecret());
    say("");
    say("  Try:  curl -s -d grant_type=client_credentials -d client_id=reporting-service \\");
    say("          -d client_secret=" + settings.reportingServiceSecret() + " \\");
    say("          " + kc + "/realms/gatehouse/protocol/openid-connect/token");
    say("");
    say("Press Ctrl-C to stop.");
  }

  private synchronized void stopAll() {
    while (!running.isEmpty()) {
      try {
        running.pop().close();
      } catch (Exception e) {
        System.err.println("While stopping: " + e.getMessage());
      }
    }
  }

  static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** Ports and dev secrets of the local stack, from the environment with local defaults. */
  record LocalStackSettings(int keycloakPort, int keycloakManagementPort) {

    static LocalStackSettings fromEnvironment(Map<String, String> env) {
      int keycloakPort = port(env, "GATEHOUSE_KEYCLOAK_PORT", 8080);
      int managementPort = port(env, "GATEHOUSE_KEYCLOAK_MANAGEMENT_PORT", 9000);
      return new LocalStackSettings(keycloakPort, managementPort);
    }

    String reportingServiceSecret() {
      return DevSecrets.keycloakEnvironment().get(DevSecrets.REPORTING_SERVICE_SECRET);
    }

    private static int port(Map<String, String> env, String name, int fallback) {
      String value = env.get(name);
      if (value == null || value.isBlank()) {
        return fallback;
      }
      try {
        int port = Integer.parseInt(value.trim());
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
        return port;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + "=" + value + " is not a TCP port (1-65535).");
      }
    }
  }
}
