package dev.gatehouse.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.gateway.apitoken.ApiTokenOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiTokenSettingsTest {
  private static final String ISSUER = "https://sso.example.com/realms/gatehouse";

  private static JsonObject base() {
    return new JsonObject()
        .put("token", new JsonObject().put("issuer", ISSUER).put("jwksUrl", ISSUER + "/protocol/openid-connect/certs")
            .put("audiences", new JsonArray().add("gateway")))
        .put("routes", new JsonArray().add(new JsonObject().put("prefix", "/api").put("upstream", "http://svc:8001")));
  }

  private static Map<String, String> secretEnv() {
    return Map.of("GATEHOUSE_API_TOKEN_CLIENT_SECRET", "secret-from-env");
  }

  @Test
  void offWithoutASection() {
    GatewayConfig config = GatewayConfig.fromJson(base(), secretEnv());

    assertThat(config.apiTokensEnabled()).isFalse();
    assertThat(config.apiTokens()).isNull();
  }

  @Test
  void anEmptySectionTurnsThemOnWithTheContractsDefaults() {
    GatewayConfig config = GatewayConfig.fromJson(base().put("apiTokens", new JsonObject()), secretEnv());
    ApiTokenOptions options = config.apiTokens();

    assertThat(options.tokenEndpoint()).isEqualTo(ISSUER + "/protocol/openid-connect/token");
    assertThat(options.clientId()).isEqualTo("gateway");
    assertThat(options.clientSecret()).isEqualTo("secret-from-env");
    assertThat(options.maxCache()).isEqualTo(Duration.ofSeconds(50));
    assertThat(options.refusalCache()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.missesPerSecond()).isEqualTo(5);
    assertThat(options.missBurst()).isEqualTo(20);
    assertThat(config.toString()).doesNotContain("secret-from-env");
  }

  @Test
  void everyKnobIsReadFromTheFile() {
    GatewayConfig config = GatewayConfig.fromJson(base().put("apiTokens", new JsonObject()
        .put("tokenEndpoint", "http://keycloak:8080/realms/gatehouse/protocol/openid-connect/token")
        .put("clientId", "api-resolver").put("maxCacheSeconds", 3).put("refusalCacheSeconds", 0)
        .put("missesPerSecond", 50).put("missBurst", 100).put("cacheSize", 500).put("httpTimeoutMillis", 800)),
        secretEnv());
    ApiTokenOptions options = config.apiTokens();

    assertThat(options.tokenEndpoint()).isEqualTo("http://keycloak:8080/realms/gatehouse/protocol/openid-connect/token");
    assertThat(options.clientId()).isEqualTo("api-resolver");
    assertThat(options.maxCache()).isEqualTo(Duration.ofSeconds(3));
    assertThat(options.refusalCache()).isZero();
    assertThat(options.missesPerSecond()).isEqualTo(50);
    assertThat(options.missBurst()).isEqualTo(100);
    assertThat(options.cacheSize()).isEqualTo(500);
    assertThat(options.httpTimeoutMillis()).isEqualTo(800);
  }

  @Test
  void withoutItsOwnSecretItUsesTheLoginsWhenTheClientIsTheSame() {
    JsonObject json = base()
        .put("login", new JsonObject().put("publicBaseUrl", "https://api.example.com").put("parentDomain", "example.com"))
        .put("tls", new JsonObject().put("mode", "terminated-by-proxy"))
        .put("apiTokens", new JsonObject());
    Map<String, String> env = new HashMap<>(Map.of(
        "GATEHOUSE_GATEWAY_CLIENT_SECRET", "login-secret",
        "GATEHOUSE_LOGIN_STATE_SECRETS", "state-secret-that-is-at-least-32-bytes-long"));

    assertThat(GatewayConfig.fromJson(json, env).apiTokens().clientSecret()).isEqualTo("login-secret");
    env.put("GATEHOUSE_API_TOKEN_CLIENT_SECRET", "own-secret");
    assertThat(GatewayConfig.fromJson(json, env).apiTokens().clientSecret()).isEqualTo("own-secret");
  }

  @Test
  void problemsNameTheKeyAndNeverShowTheSecret() {
    ConfigException e = catchThrowableOfType(() -> GatewayConfig.fromJson(base().put("apiTokens", new JsonObject()
        .put("maxCacheSeconds", 51).put("tokenEndpoint", "keycloak/token").put("missBurst", 0)), Map.of()),
        ConfigException.class);

    assertThat(e.getMessage())
        .contains("apiTokens.maxCacheSeconds").contains("between 1 and 50")
        .contains("apiTokens.tokenEndpoint")
        .contains("apiTokens.missBurst")
        .contains("apiTokens.clientSecret").contains("GATEHOUSE_API_TOKEN_CLIENT_SECRET");
    ConfigException typed = catchThrowableOfType(() -> GatewayConfig.fromJson(
        base().put("apiTokens", new JsonObject().put("clientSecret", 12345)), Map.of()), ConfigException.class);
    assertThat(typed.getMessage()).contains("apiTokens.clientSecret").doesNotContain("12345");
  }

  @Test
  void enabledFalseSwitchesThemOff() {
    GatewayConfig config = GatewayConfig.fromJson(base().put("apiTokens", new JsonObject().put("enabled", false)),
        Map.of());

    assertThat(config.apiTokensEnabled()).isFalse();
  }

  @Test
  void theSecretVariableIsOneTheGatewayReads() {
    assertThat(GatewayConfig.environmentVariables()).contains("GATEHOUSE_API_TOKEN_CLIENT_SECRET");
  }

  @Test
  void theShippedExampleTurnsThemOn() {
    GatewayConfig config = GatewayConfig.load(new String[] {"--config",
        Path.of("src/main/resources/gateway.example.json").toString()}, Map.of(
        "GATEHOUSE_GATEWAY_CLIENT_SECRET", "login-secret",
        "GATEHOUSE_LOGIN_STATE_SECRETS", "state-secret-that-is-at-least-32-bytes-long"));

    assertThat(config.apiTokens().maxCache()).isEqualTo(Duration.ofSeconds(50));
    assertThat(config.apiTokens().clientSecret()).isEqualTo("login-secret");
  }
}
