package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.it.support.GatewayProcess;
import dev.gatehouse.it.support.Jwt;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.FreePorts;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.gateway.LocalGateway;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scale-out on one machine: two Keycloak nodes in production mode, clustered over loopback on one PostgreSQL, and two
 * gateway processes on the same PostgreSQL. Gateway A takes its keys from node 1, gateway B from node 2. The last test
 * kills node 1 and gateway A and checks that node 2 and gateway B go on serving, with no wrong allow.
 */
@ExtendWith(RealPostgres.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakClusterIT {
  private static final Duration SYNC_DEADLINE = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static KeycloakCluster cluster;
  private static RecordingUpstream upstream;
  private static GatewayProcess gatewayA;
  private static GatewayProcess gatewayB;
  private static RealmTokens node1;
  private static RealmTokens node2;

  @BeforeAll
  static void startCluster(PostgresServer postgres) {
    cluster = KeycloakCluster.start(postgres, "keycloak_cluster");
    node1 = new RealmTokens(cluster.node1());
    node2 = new RealmTokens(cluster.node2());
    upstream = RecordingUpstream.start();
    long started = System.nanoTime();
    gatewayA = startGateway(postgres, cluster.node1(), "a", activities -> { });
    // B never polls during the test: an activity change can reach it in time only through LISTEN/NOTIFY.
    gatewayB = startGateway(postgres, cluster.node2(), "b", activities -> activities.put("pollIntervalSeconds", 3600));
    gatewayA.awaitReady(Duration.ofSeconds(60));
    gatewayB.awaitReady(Duration.ofSeconds(60));
    System.out.println("[keycloak-cluster] two gateway processes ready in "
        + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
  }

  @AfterAll
  static void stopAll() {
    for (AutoCloseable running : new AutoCloseable[] {gatewayA, gatewayB, upstream, cluster}) {
      if (running != null) {
        try {
          running.close();
        } catch (Exception e) {
          System.out.println("[keycloak-cluster] stopping " + running + " failed: " + e);
        }
      }
    }
  }

  @Test
  @Order(1)
  void tokensOfEitherNodeCarryOneIssuerAndPassBothGateways() {
    String carolFromNode1 = node1.accessToken("carol");
    String erinFromNode2 = node2.accessToken("erin");
    assertThat(Jwt.payload(carolFromNode1).path("iss").asText()).isEqualTo(cluster.issuer());
    assertThat(Jwt.payload(erinFromNode2).path("iss").asText()).isEqualTo(cluster.issuer());

    for (GatewayProcess gateway : List.of(gatewayA, gatewayB)) {
      assertThat(status(gateway, "GET", "/api/v1/users", carolFromNode1)).as("carol may list users").isEqualTo(200);
      assertThat(status(gateway, "GET", "/api/v1/skills", erinFromNode2)).as("erin may list skills").isEqualTo(200);
      assertThat(status(gateway, "GET", "/api/v1/users", erinFromNode2)).as("erin may not list users")
          .isEqualTo(403);
    }
  }

  @Test
  @Order(2)
  void aSessionStartedOnNode1ContinuesOnNode2AndEndsThereForBoth() {
    JsonNode login = node1.passwordGrant(RealmTokens.TEST_CLIENT, "erin");
    String sessionId = Jwt.payload(login.path("access_token").asText()).path("sid").asText();
    assertThat(sessionId).as("the access token names its session").isNotEmpty();

    KeycloakAdminClient.Response userInfo = cluster.node2().admin().getWithBearer(
        cluster.node2().baseUrl() + "/realms/gatehouse/protocol/openid-connect/userinfo",
        login.path("access_token").asText());
    assertThat(userInfo.status()).as(userInfo.body()).isEqualTo(200);
    assertThat(userInfo.json().path("preferred_username").asText()).isEqualTo("erin");

    JsonNode refreshed = refresh(cluster.node2(), login.path("refresh_token").asText()).expect(200).json();
    assertThat(Jwt.payload(refreshed.path("access_token").asText()).path("sid").asText())
        .as("node 2 continued node 1's session instead of starting one").isEqualTo(sessionId);

    KeycloakAdminClient.Response logout = cluster.node2().admin().postForm(
        cluster.node2().baseUrl() + "/realms/gatehouse/protocol/openid-connect/logout",
        Map.of("client_id", RealmTokens.TEST_CLIENT, "refresh_token", refreshed.path("refresh_token").asText()), null);
    assertThat(logout.status()).as(logout.body()).isEqualTo(204);
    KeycloakAdminClient.Response afterLogout = refresh(cluster.node1(), refreshed.path("refresh_token").asText());
    assertThat(afterLogout.status()).as("node 1 knows the session ended on node 2: " + afterLogout.body())
        .isEqualTo(400);
  }

  /**
   * The point of the cluster: node 1 caches the realm's roles. Without cluster-wide invalidation it would go on
   * issuing the permissions it cached before node 2's change.
   */
  @Test
  @Order(3)
  void aRolePermissionChangeOnNode2ShowsInTheNextTokenFromNode1() {
    KeycloakAdminClient admin2 = cluster.node2().admin();
    String permissionsClient = admin2.get("gatehouse/clients?clientId=gatehouse-permissions").expect(200).json()
        .path(0).path("id").asText();
    JsonNode viewUsers = admin2.get("gatehouse/clients/" + permissionsClient + "/roles/view-users").expect(200).json();

    String before = node1.accessToken("erin");
    assertThat(RealmTokens.permissions(before)).contains("view-skills").doesNotContain("view-users");
    assertThat(status(gatewayA, "GET", "/api/v1/users", before)).isEqualTo(403);

    admin2.post("gatehouse/roles/fellow/composites", List.of(viewUsers)).expect(204);
    try {
      Duration granted = Poll.until(SYNC_DEADLINE, "node 1 issues view-users to erin after node 2 linked it",
          () -> RealmTokens.permissions(node1.accessToken("erin")).contains("view-users"));
      String after = node1.accessToken("erin");
      assertThat(status(gatewayA, "GET", "/api/v1/users", after)).isEqualTo(200);
      assertThat(status(gatewayB, "GET", "/api/v1/users", after)).isEqualTo(200);

      admin2.delete("gatehouse/roles/fellow/composites", List.of(viewUsers)).expect(204);
      Duration revoked = Poll.until(SYNC_DEADLINE, "node 1 stops issuing view-users to erin after node 2 unlinked it",
          () -> !RealmTokens.permissions(node1.accessToken("erin")).contains("view-users"));
      assertThat(status(gatewayB, "GET", "/api/v1/users", node1.accessToken("erin"))).isEqualTo(403);
      System.out.printf("[keycloak-cluster] role change on node 2 seen in node 1's tokens after: link %d ms,"
          + " unlink %d ms (each includes one password grant)%n", granted.toMillis(), revoked.toMillis());
    } finally {
      admin2.delete("gatehouse/roles/fellow/composites", List.of(viewUsers));
    }
  }

  @Test
  @Order(4)
  void anActivityChangeThroughGatewayAIsEnforcedByGatewayB() throws IOException {
    String dave = node2.accessToken("dave");
    String erin = node1.accessToken("erin");
    String path = "/api/cluster-" + UUID.randomUUID().toString().substring(0, 8) + "/items";
    assertThat(status(gatewayB, "GET", path, erin)).as("no activity yet").isEqualTo(403);

    HttpResponse<String> created = send(gatewayA, "POST", "/gatehouse/admin/activities", dave,
        "{\"method\":\"GET\",\"urlRegex\":\"" + path + "\",\"description\":\"cluster IT\","
            + "\"permissions\":[\"view-skills\"]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    long id = JSON.readTree(created.body()).path("id").asLong();
    Duration createSeen = Poll.until(Duration.ofSeconds(10), "B allows erin after the create on A",
        () -> status(gatewayB, "GET", path, erin) == 200);

    HttpResponse<String> deleted = send(gatewayA, "DELETE", "/gatehouse/admin/activities/" + id, dave, null);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    Duration deleteSeen = Poll.until(Duration.ofSeconds(10), "B denies erin after the delete on A",
        () -> status(gatewayB, "GET", path, erin) == 403);
    System.out.printf("[keycloak-cluster] activity change through gateway A enforced by gateway B after: create %d ms,"
        + " delete %d ms (polled every 10 ms; includes one request round trip)%n", createSeen.toMillis(),
        deleteSeen.toMillis());
  }

  @Test
  @Order(5)
  void killingNode1AndGatewayALeavesNode2AndGatewayBServingWithNoWrongAllow() {
    String erinBefore = node1.accessToken("erin");
    JsonNode carolSession = node1.passwordGrant(RealmTokens.TEST_CLIENT, "carol");

    long killed = System.nanoTime();
    cluster.node1().kill();
    gatewayA.kill();
    cluster.awaitMembers(1, Duration.ofSeconds(60));
    System.out.println("[keycloak-cluster] node 2 saw node 1 leave the cluster after "
        + Duration.ofNanos(System.nanoTime() - killed).toMillis() + " ms");

    String erin = node2.accessToken("erin");
    JsonNode carolRefreshed = refresh(cluster.node2(), carolSession.path("refresh_token").asText()).expect(200).json();
    String carol = carolRefreshed.path("access_token").asText();
    upstream.clear();

    assertThat(status(gatewayB, "GET", "/api/v1/skills", erin)).as("new token from node 2").isEqualTo(200);
    assertThat(status(gatewayB, "GET", "/api/v1/skills", erinBefore)).as("token node 1 issued before it died")
        .isEqualTo(200);
    assertThat(status(gatewayB, "GET", "/api/v1/users", carol)).as("node 1's session refreshed on node 2")
        .isEqualTo(200);
    int allowed = upstream.received().size();

    assertThat(status(gatewayB, "GET", "/api/v1/users", erin)).as("denied stays denied").isEqualTo(403);
    assertThat(status(gatewayB, "DELETE", "/api/v1/users/x", carol)).as("denied stays denied").isEqualTo(403);
    ObjectNode elevated = ForgedTokens.payload(erin);
    elevated.putArray("permissions").add("view-users").add("manage-users");
    assertThat(status(gatewayB, "GET", "/api/v1/users", ForgedTokens.withPayload(erin, elevated)))
        .as("forged stays refused").isEqualTo(401);
    assertThat(status(gatewayB, "GET", "/api/v1/skills", null)).as("no token").isEqualTo(401);
    assertThat(upstream.received()).as("only the allowed requests reached the service").hasSize(allowed);
    assertThat(allowed).isEqualTo(3);
  }

  private static GatewayProcess startGateway(PostgresServer postgres, KeycloakServer keysFrom, String name,
      Consumer<JsonObject> activities) {
    StackLayout layout = StackLayout.locate();
    JsonObject config = LocalGateway.localConfig(cluster.issuer(), postgres, upstream.baseUrl(), FreePorts.next(),
        layout.realmConfigDir().resolve("activities.json"));
    config.getJsonObject("token").put("jwksUrl", keysFrom.baseUrl() + "/realms/" + RealmTokens.REALM
        + "/protocol/openid-connect/certs");
    activities.accept(config.getJsonObject("activities"));
    return GatewayProcess.start(config, Path.of("target/keycloak-cluster/gateway-" + name).toAbsolutePath());
  }

  private static KeycloakAdminClient.Response refresh(KeycloakServer node, String refreshToken) {
    return node.admin().token(RealmTokens.REALM, Map.of("grant_type", "refresh_token",
        "client_id", RealmTokens.TEST_CLIENT, "refresh_token", refreshToken));
  }

  private static int status(GatewayProcess gateway, String method, String path, String token) {
    return send(gateway, method, path, token, null).statusCode();
  }

  private static HttpResponse<String> send(GatewayProcess gateway, String method, String path, String token,
      String jsonBody) {
    return GatewayUnderTest.send(gateway.baseUrl(), method, path, token, jsonBody);
  }
}
