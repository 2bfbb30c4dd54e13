package dev.gatehouse.stack;

import dev.gatehouse.stack.gateway.LocalApps;
import dev.gatehouse.stack.gateway.LocalDemoService;
import dev.gatehouse.stack.gateway.LocalGateway;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.keycloak.RevocationDelivery;
import dev.gatehouse.stack.keycloak.TokenExchangePermissions;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.time.Duration;
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

      say("Starting embedded PostgreSQL on 127.0.0.1:" + settings.postgresPort() + " ...");
      PostgresServer postgres = PostgresServer.start(layout.workDir().resolve("postgres-local"),
          settings.postgresPort());
      running.push(postgres);

      String gatewayPublicUrl = LocalGateway.localPublicUrl(settings.gatewayPort());
      KeycloakServer keycloak = KeycloakServer.start(layout, KeycloakServer.Options.defaults(layout)
          .withPorts(settings.keycloakPort(), settings.keycloakManagementPort())
          // The gateway client's redirect and post-logout URIs are built from this placeholder.
          .withExtraEnvironment(Map.of("GATEHOUSE_GATEWAY_PUBLIC_URL", gatewayPublicUrl))
          // Revocations (sign-outs, disabled users, permission changes) go to the gateway's database.
          .withExtraEnvironment(RevocationDelivery.to(postgres))
          .withProgress(LocalStackMain::say));
      running.push(keycloak);
      TokenExchangePermissions.allowDevelopmentMobileClient(keycloak.admin());
      say("Legacy token exchange v1: client 'mobile' may exchange fake-google access tokens.");

      say("Starting the demo service on 127.0.0.1:" + settings.demoPort() + " ...");
      LocalDemoService demo = LocalDemoService.start(settings.demoPort());
      running.push(demo);

      say("Starting the demo web apps app1/app2." + LocalGateway.LOCAL_PARENT_DOMAIN + " on 127.0.0.1:"
          + settings.appsPort() + " ...");
      LocalApps apps = LocalApps.start(settings.appsPort(), LocalGateway.LOCAL_PARENT_DOMAIN, gatewayPublicUrl);
      running.push(apps);

      say("Starting the gateway on 127.0.0.1:" + settings.gatewayPort() + " ...");
      LocalGateway gateway = LocalGateway.start(LocalGateway.withLocalLogin(
          LocalGateway.localConfig(keycloak.issuer("gatehouse"), postgres, demo.baseUrl(), settings.gatewayPort(),
              layout.realmConfigDir().resolve("activities.json")),
          settings.gatewayPort(), apps.port()));
      running.push(gateway);
      gateway.awaitReady(Duration.ofMinutes(2));

      printSummary(settings, keycloak, gateway, apps, demo, gatewayPublicUrl);
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

  private static void printSummary(LocalStackSettings settings, KeycloakServer keycloak, LocalGateway gateway,
      LocalApps apps, LocalDemoService demo, String gatewayPublicUrl) {
    String kc = keycloak.baseUrl();
    String gw = gateway.baseUrl();
    say("");
    say("Gatehouse is up.");
    say("  Keycloak admin console  " + kc + "/admin/master/console/#/gatehouse   (admin / admin, local only)");
    say("  Login page (account)    " + kc + "/realms/gatehouse/account   -> \"fake-google\" -> alice / alice or bob / bob");
    say("  Token endpoint          " + kc + "/realms/gatehouse/protocol/openid-connect/token");
    say("  Test users (password grant via client 'gatehouse-test'): carol / carol, dave / dave, erin / erin");
    say("  Service account         client 'reporting-service', secret " + settings.reportingServiceSecret());
    say("  Mobile apps             exchange a fake-google token (alice / alice, client 'gatehouse-mobile' there):");
    say("                          access token -> client 'mobile' (token exchange v1), ID token -> client");
    say("                          'mobile-backend', secret " + settings.mobileBackendSecret()
        + " (RFC 7523). Commands: README, \"Mobile apps\".");
    say("");
    say("  Gateway                 " + gw + "   (ready: " + gw + "/health/ready, metrics: " + gw + "/metrics)");
    say("");
    say("  Browser SSO (two apps sharing the gateway's jwt-token cookie on ." + LocalGateway.LOCAL_PARENT_DOMAIN + "):");
    say("    Map *." + LocalGateway.LOCAL_PARENT_DOMAIN + " to 127.0.0.1, either in /etc/hosts:");
    say("      127.0.0.1 api." + LocalGateway.LOCAL_PARENT_DOMAIN + " app1." + LocalGateway.LOCAL_PARENT_DOMAIN
        + " app2." + LocalGateway.LOCAL_PARENT_DOMAIN);
    say("    or start Chromium with a throwaway profile:");
    say("      chromium --user-data-dir=$(mktemp -d) --host-resolver-rules=\"MAP *." + LocalGateway.LOCAL_PARENT_DOMAIN
        + " 127.0.0.1\" " + apps.url("app1"));
    say("    Open " + apps.url("app1") + " -> Log in -> \"Google (local stand-in)\" -> alice / alice,");
    say("    then " + apps.url("app2") + " (already signed in). Gateway login: " + gatewayPublicUrl + "/auth/login");
    say("    Console: " + gatewayPublicUrl + "/gatehouse/console/   (alice / alice via \"Google\"; dave / dave on the"
        + " Keycloak form sees the admin pages)");
    say("");
    say("  Try (bash):");
    say("    TOKEN=$(curl -s -d grant_type=client_credentials -d client_id=reporting-service \\");
    say("      -d client_secret=" + settings.reportingServiceSecret() + " \\");
    say("      " + kc + "/realms/gatehouse/protocol/openid-connect/token | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')");
    say("    curl -i -H \"Authorization: Bearer $TOKEN\" " + gw + "/api/v1/users            # 200, identity headers echoed");
    say("    curl -i -H \"Authorization: Bearer $TOKEN\" -X POST " + gw + "/api/v1/roles    # 403: no manage-roles");
    say("    curl -i -H \"Authorization: Bearer ${TOKEN}x\" " + gw + "/api/v1/users          # 401: tampered token");
    say("");
    say("  A service to onboard    " + demo.baseUrl() + LocalDemoService.NEW_SERVICE_BASE_PATH + "   (not routed yet; its"
        + " OpenAPI: " + demo.baseUrl() + LocalDemoService.NEW_SERVICE_BASE_PATH + "/openapi.yaml)");
    say("                          README, \"Onboarding a new service in five minutes\".");
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
  record LocalStackSettings(int keycloakPort, int keycloakManagementPort, int gatewayPort, int demoPort,
      int postgresPort, int appsPort) {

    static LocalStackSettings fromEnvironment(Map<String, String> env) {
      int keycloakPort = port(env, "GATEHOUSE_KEYCLOAK_PORT", 8080);
      int managementPort = port(env, "GATEHOUSE_KEYCLOAK_MANAGEMENT_PORT", 9000);
      return new LocalStackSettings(keycloakPort, managementPort, port(env, "GATEHOUSE_GATEWAY_PORT", 8000),
          port(env, "GATEHOUSE_DEMO_PORT", 8001), port(env, "GATEHOUSE_POSTGRES_PORT", 15432),
          port(env, "GATEHOUSE_APPS_PORT", 8002));
    }

    String reportingServiceSecret() {
      return DevSecrets.keycloakEnvironment().get(DevSecrets.REPORTING_SERVICE_SECRET);
    }

    String mobileBackendSecret() {
      return DevSecrets.keycloakEnvironment().get(DevSecrets.MOBILE_BACKEND_SECRET);
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
