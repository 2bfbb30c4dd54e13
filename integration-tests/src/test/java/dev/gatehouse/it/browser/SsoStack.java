package dev.gatehouse.it.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.gateway.LocalApps;
import dev.gatehouse.stack.gateway.LocalDemoService;
import dev.gatehouse.stack.gateway.LocalGateway;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The browser-facing stack of these tests: the shared Keycloak and PostgreSQL, plus a demo service, the two demo
 * apps and a gateway with the browser login, exactly as the local stack wires them. The shared Keycloak was started
 * before the gateway's port was known, so the gateway's URLs are registered on its client here, as an operator
 * would set GATEHOUSE_GATEWAY_PUBLIC_URL.
 */
final class SsoStack implements AutoCloseable {
  static final String PARENT_DOMAIN = LocalGateway.LOCAL_PARENT_DOMAIN;

  final KeycloakServer keycloak;
  final LocalDemoService demo;
  final LocalApps apps;
  final LocalGateway gateway;
  final String publicUrl;

  private SsoStack(KeycloakServer keycloak, LocalDemoService demo, LocalApps apps, LocalGateway gateway,
      String publicUrl) {
    this.keycloak = keycloak;
    this.demo = demo;
    this.apps = apps;
    this.gateway = gateway;
    this.publicUrl = publicUrl;
  }

  static SsoStack start(KeycloakServer keycloak, PostgresServer postgres) {
    return start(keycloak, postgres, config -> { });
  }

  /** {@code tweak} edits the gateway's configuration first (e.g. to store decision records). */
  static SsoStack start(KeycloakServer keycloak, PostgresServer postgres, Consumer<JsonObject> tweak) {
    int gatewayPort = FreePorts.next();
    String publicUrl = LocalGateway.localPublicUrl(gatewayPort);
    registerGatewayUrls(keycloak.admin(), publicUrl);
    LocalDemoService demo = LocalDemoService.start(0);
    LocalApps apps = LocalApps.start(0, PARENT_DOMAIN, publicUrl);
    JsonObject config = LocalGateway.withLocalLogin(
        LocalGateway.localConfig(keycloak.issuer("gatehouse"), postgres, demo.baseUrl(), gatewayPort,
            StackLayout.locate().realmConfigDir().resolve("activities.json")),
        gatewayPort, apps.port());
    tweak.accept(config);
    LocalGateway gateway = LocalGateway.start(config);
    gateway.awaitReady(Duration.ofMinutes(2));
    return new SsoStack(keycloak, demo, apps, gateway, publicUrl);
  }

  /** The gateway on loopback, for java.net.http clients (which cannot resolve *.gatehouse.test). */
  String loopbackGateway() {
    return gateway.baseUrl();
  }

  private static void registerGatewayUrls(KeycloakAdminClient admin, String publicUrl) {
    JsonNode found = admin.get("gatehouse/clients?clientId=gateway").expect(200).json();
    ObjectNode client = (ObjectNode) found.get(0);
    List<String> redirects = new ArrayList<>();
    client.withArray("redirectUris").forEach(uri -> redirects.add(uri.asText()));
    redirects.add(publicUrl + "/auth/callback");
    client.set("redirectUris", new ObjectMapper().valueToTree(redirects));
    ObjectNode attributes = client.with("attributes");
    String postLogout = attributes.path("post.logout.redirect.uris").asText("");
    attributes.put("post.logout.redirect.uris",
        (postLogout.isEmpty() ? "" : postLogout + "##") + publicUrl + "/auth/logout/done");
    admin.put("gatehouse/clients/" + client.get("id").asText(), client).expect(204);
  }

  @Override
  public void close() {
    gateway.close();
    apps.close();
    demo.close();
  }
}
