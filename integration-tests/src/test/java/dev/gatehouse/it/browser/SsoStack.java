package dev.gatehouse.it.browser;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

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

  /** An access token for a test user of the gatehouse realm (password grant through the public gatehouse-test client). */
  String passwordToken(String user) throws Exception {
    String form = "grant_type=password&client_id=gatehouse-test&username=" + enc(user) + "&password=" + enc(user);
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
            URI.create(keycloak.issuer("gatehouse") + "/protocol/openid-connect/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body()).get("access_token").asText();
  }

  /** {@code GET path} through the gateway on loopback, with {@code token} as the bearer credential. */
  HttpResponse<String> getWithBearer(String path, String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(loopbackGateway() + path))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
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
