package dev.gatehouse.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.gateway.token.SignatureAlgorithm;
import dev.gatehouse.gateway.token.TokenVerifierOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each component's section holds exactly what its keys say, validated when it is read. */
class ConfigSectionsTest {
  private static JsonObject base() {
    return new JsonObject()
        .put("token", new JsonObject().put("issuer", "https://sso.example.com/realms/suite")
            .put("jwksUrl", "http://keycloak:8080/realms/suite/protocol/openid-connect/certs")
            .put("audiences", new JsonArray().add("gateway").add("suite")))
        .put("routes", new JsonArray().add(new JsonObject().put("prefix", "/api").put("upstream", "http://a:1")));
  }

  @Test
  void theTokenSectionGivesTheVerifierItsOptions() {
    JsonObject json = base();
    json.getJsonObject("token").put("algorithms", new JsonArray().add("ES256").add("RS256"))
        .put("maxTokenBytes", 8192).put("verifiedCacheSize", 0);

    TokenSettings token = GatewayConfig.fromJson(json, Map.of()).token();
    TokenVerifierOptions options = token.verifierOptions();

    assertThat(token.algorithms()).containsExactlyInAnyOrder(SignatureAlgorithm.ES256, SignatureAlgorithm.RS256);
    assertThat(options.getIssuer()).isEqualTo("https://sso.example.com/realms/suite");
    assertThat(options.getJwksUrl()).isEqualTo("http://keycloak:8080/realms/suite/protocol/openid-connect/certs");
    assertThat(options.getAudiences()).containsExactlyInAnyOrder("gateway", "suite");
    assertThat(options.getAllowedAlgorithms())
        .containsExactlyInAnyOrder(SignatureAlgorithm.ES256, SignatureAlgorithm.RS256);
    assertThat(options.getMaxTokenBytes()).isEqualTo(8192);
    assertThat(options.getCacheSize()).as("0 switches the verified-token cache off").isZero();
    assertThat(options.validate()).as("a valid section gives valid options").isSameAs(options);
  }

  @Test
  void anAlgorithmTheVerifierCannotCheckIsRefusedWhenTheConfigurationIsRead() {
    // RS384 is a real asymmetric algorithm, but the verifier has no check for it: refused here, not at start.
    JsonObject json = base();
    json.getJsonObject("token").put("algorithms", new JsonArray().add("RS256").add("RS384"));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.fromJson(json, Map.of()));

    assertThat(e.problems()).singleElement()
        .isEqualTo("token.algorithms: expected one of [ES256, PS256, RS256], got \"RS384\"");
  }

  @Test
  void theServerSectionHoldsTheListeningSide() {
    JsonObject json = base()
        .put("listen", new JsonObject().put("port", 0).put("maxHeaderBytes", 32768).put("idleTimeoutSeconds", 9))
        .put("publicRoutes", new JsonArray().add("/health/live"))
        .put("shutdownTimeoutMillis", 1500)
        .put("metrics", new JsonObject().put("vertxHttp", true));

    ServerSettings server = GatewayConfig.fromJson(json, Map.of()).server();

    assertThat(server.host()).isEqualTo("127.0.0.1");
    assertThat(server.port()).isZero();
    assertThat(server.maxHeaderBytes()).isEqualTo(32768);
    assertThat(server.connectionLimits().idleTimeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(server.publicRoutes()).containsExactly("/health/live");
    assertThat(server.shutdownTimeoutMillis()).isEqualTo(1500);
    assertThat(server.vertxHttpMetrics()).isTrue();
  }

  @Test
  void theProxySectionRepeatsTheServersHeaderLimitAndTheTokensCookie() {
    JsonObject json = base()
        .put("listen", new JsonObject().put("maxHeaderBytes", 32768))
        .put("upstream", new JsonObject().put("poolSize", 8).put("maxWaitQueue", 0).put("connectTimeoutMillis", 250))
        .put("identity", new JsonObject().put("headerPrefix", "X-Gate-").put("maxHeaderBytes", 2048));
    json.getJsonObject("token").put("cookieName", "session");

    ProxySettings proxy = GatewayConfig.fromJson(json, Map.of()).proxy();

    assertThat(proxy.routes()).containsExactly(new RouteConfig("/api", URI.create("http://a:1"), 30_000));
    assertThat(proxy.poolSize()).isEqualTo(8);
    assertThat(proxy.maxWaitQueue()).isZero();
    assertThat(proxy.connectTimeoutMillis()).isEqualTo(250);
    assertThat(proxy.identityHeaderPrefix()).isEqualTo("X-Gate-");
    assertThat(proxy.maxIdentityHeaderBytes()).isEqualTo(2048);
    assertThat(proxy.maxHeaderBytes()).isEqualTo(32768);
    assertThat(proxy.cookieName()).isEqualTo("session");
    assertThat(proxy.trustedProxies().isEmpty()).isTrue();
  }

  @Test
  void theActivityAndAdminSectionsHoldTheirKeys(@TempDir Path dir) throws Exception {
    Path seed = Files.writeString(dir.resolve("activities.json"), "[]");
    JsonObject json = base()
        .put("activities", new JsonObject().put("seedFile", seed.toString()).put("pollIntervalSeconds", 7))
        .put("admin", new JsonObject().put("maxBodyBytes", 4096));

    GatewayConfig config = GatewayConfig.fromJson(json, Map.of());

    assertThat(config.activities().seedFile()).isEqualTo(seed);
    assertThat(config.activities().pollInterval()).isEqualTo(Duration.ofSeconds(7));
    assertThat(config.admin().maxBodyBytes()).isEqualTo(4096);
    assertThat(config.admin().permissionCheck().realm()).as("defaults from token.issuer").isEqualTo("suite");
  }

  @Test
  void withoutAnActivitySeedTheSectionSaysSo() {
    ActivitySettings activities = GatewayConfig.fromJson(base(), Map.of()).activities();

    assertThat(activities.seedFile()).isNull();
    assertThat(activities.pollInterval()).isEqualTo(Duration.ofSeconds(30));
  }
}
