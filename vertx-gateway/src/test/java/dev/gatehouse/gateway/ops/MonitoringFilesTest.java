package dev.gatehouse.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.gateway.Gateway;
import dev.gatehouse.gateway.GatewayMain;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.policy.ActivityDefinition;
import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.testing.GatewayHarness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * A whole gateway as GatewayMain runs it (Vert.x metrics, real PostgreSQL, a JWKS, an upstream), decision records
 * stored in PostgreSQL: after some traffic, every series the Grafana dashboard and the Prometheus alert rules in
 * {@code deploy/monitoring} use is on {@code /metrics}, and the admin API finds the stored decisions.
 */
class MonitoringFilesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SERIES = Pattern.compile("\\b((?:gatehouse|vertx)_[a-z0-9_]+)");
  private static final String ISSUER = "http://127.0.0.1:1/realms/test";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everySeriesTheDashboardAndTheAlertsUseIsExportedAndDecisionsAreSearchable(@TempDir Path dir)
      throws Exception {
    Path root = Path.of(System.getProperty("gatehouse.root", ".."));
    Set<String> referenced = new TreeSet<>();
    referenced.addAll(dashboardSeries(root.resolve("deploy/monitoring/grafana-dashboard.json")));
    referenced.addAll(alertSeries(root.resolve("deploy/monitoring/prometheus-alerts.yml")));
    assertThat(referenced).as("the files reference series at all").hasSizeGreaterThan(10);

    RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      GatewayMetrics metrics = new GatewayMetrics();
      Vertx vertx = GatewayMain.newVertx(metrics);
      try {
        HttpServer jwks = GatewayHarness.await(vertx.createHttpServer().requestHandler(request -> request.response()
            .putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("keys", new JsonArray().add(new JsonObject(key.toPublicJWK().toJSONObject())
                .put("use", "sig").put("alg", "RS256"))).encode())).listen(0, "127.0.0.1"));
        HttpServer upstream = GatewayHarness.await(vertx.createHttpServer()
            .requestHandler(request -> request.response().end("ok")).listen(0, "127.0.0.1"));
        JsonObject database = new JsonObject().put("host", "127.0.0.1").put("port", postgres.getPort())
            .put("database", "postgres").put("user", "postgres").put("password", "postgres");
        Path records = dir.resolve("decisions.jsonl");
        int port = freePort();
        GatewayConfig config = GatewayConfig.fromJson(new JsonObject()
            .put("listen", new JsonObject().put("port", port))
            .put("token", new JsonObject().put("issuer", ISSUER)
                .put("jwksUrl", "http://127.0.0.1:" + jwks.actualPort() + "/certs")
                .put("audiences", new JsonArray().add("gw")))
            .put("database", database)
            .put("routes", new JsonArray().add(new JsonObject().put("prefix", "/api")
                .put("upstream", "http://127.0.0.1:" + upstream.actualPort())))
            .put("audit", new JsonObject().put("file", records.toString())
                .put("postgres", new JsonObject().put("enabled", true))), Map.of());
        Gateway gateway = GatewayHarness.await(Gateway.start(vertx, config, metrics));
        Pool writer = ActivityStore.createPool(vertx, new PgConnectOptions().setHost("127.0.0.1")
            .setPort(postgres.getPort()).setDatabase("postgres").setUser("postgres").setPassword("postgres"), 1);
        assertThat(eventually(gateway::ready)).as("keys, activities and revocations load").isTrue();
        ActivityStore store = new ActivityStore(writer);
        GatewayHarness.await(store.create(new ActivityDefinition("GET", "/api/things", "", Set.of("view-things"))));
        GatewayHarness.await(store.create(new ActivityDefinition("GET", "/gatehouse/admin/decisions", "",
            Set.of("manage-activities"))));
        long version = GatewayHarness.await(store.version());
        assertThat(eventually(() -> (long) metrics.registry().find("gatehouse_activity_index_version").gauge().value()
            == version)).isTrue();

        String user = token(key, "user-1", "alice", List.of("view-things"));
        String admin = token(key, "admin-1", "root", List.of("manage-activities"));
        assertThat(get(port, "/api/things", user).statusCode()).isEqualTo(200);
        assertThat(get(port, "/api/other", user).statusCode()).isEqualTo(403);
        assertThat(get(port, "/api/things", null).statusCode()).isEqualTo(401);
        assertThat(get(port, "/api/things", token(stranger, "user-1", "alice", List.of("view-things"))).statusCode())
            .isEqualTo(401);

        // The stored records: the denial is found by user and decision; strict parameters.
        String search = "/gatehouse/admin/decisions?username=alice&decision=denied";
        assertThat(eventually(() -> {
          JsonNode found = json(get(port, search, admin));
          return found != null && found.path("decisions").size() == 1;
        })).as("the denial reaches PostgreSQL and the search").isTrue();
        JsonNode denial = json(get(port, search, admin)).path("decisions").get(0);
        assertThat(denial.path("path").asText()).isEqualTo("/api/other");
        assertThat(denial.path("reason").asText()).isEqualTo("no_activity");
        assertThat(denial.path("subject").asText()).isEqualTo("user-1");
        HttpResponse<String> unknown = get(port, "/gatehouse/admin/decisions?user=alice", admin);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("Unknown query parameter").contains("username");
        assertThat(get(port, "/gatehouse/admin/decisions?since=yesterday", admin).statusCode()).isEqualTo(400);
        assertThat(get(port, "/gatehouse/admin/decisions?limit=5000", admin).statusCode()).isEqualTo(400);

        String scrape = get(port, "/metrics", null).body();
        Set<String> exported = new TreeSet<>();
        for (String line : scrape.lines().toList()) {
          if (!line.startsWith("#") && !line.isBlank()) {
            exported.add(line.split("[{ ]", 2)[0]);
          }
        }
        assertThat(exported).as("series the dashboard and alert rules use").containsAll(referenced);

        GatewayHarness.await(gateway.close());
        String written = Files.readString(records);
        assertThat(written.lines()).as("the file sink got the same records").hasSizeGreaterThanOrEqualTo(4);
        assertThat(written).doesNotContain(user).doesNotContain(admin);
      } finally {
        GatewayHarness.await(vertx.close());
      }
    }
  }

  private static Set<String> dashboardSeries(Path file) throws Exception {
    Set<String> names = new TreeSet<>();
    JsonNode dashboard = JSON.readTree(file.toFile());
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        names.addAll(series(target.path("expr").asText()));
      }
    }
    return names;
  }

  @SuppressWarnings("unchecked")
  private static Set<String> alertSeries(Path file) throws Exception {
    Set<String> names = new TreeSet<>();
    Map<String, Object> rules = new Yaml().load(Files.readString(file));
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        assertThat(rule).containsKeys("alert", "expr");
        names.addAll(series(String.valueOf(rule.get("expr"))));
      }
    }
    return names;
  }

  private static Set<String> series(String expression) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = SERIES.matcher(expression);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  private static String token(RSAKey key, String subject, String username, List<String> permissions)
      throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
        .type(JOSEObjectType.JWT).build(), new JWTClaimsSet.Builder().issuer(ISSUER).audience("gw")
        .subject(subject).claim("preferred_username", username).claim("azp", "web").claim("typ", "Bearer")
        .claim("permissions", permissions).issueTime(new Date())
        .expirationTime(new Date(System.currentTimeMillis() + 600_000)).build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private HttpResponse<String> get(int port, String path, String bearer) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }
}
