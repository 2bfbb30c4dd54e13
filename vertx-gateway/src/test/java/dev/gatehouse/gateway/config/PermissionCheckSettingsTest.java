package dev.gatehouse.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.gateway.admin.PermissionCheckOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PermissionCheckSettingsTest {
  private static final Map<String, String> ENV = Map.of(
      "GATEHOUSE_ISSUER", "https://sso.example.com/realms/suite",
      "GATEHOUSE_JWKS_URL", "https://sso.example.com/realms/suite/protocol/openid-connect/certs",
      "GATEHOUSE_AUDIENCES", "gateway",
      "GATEHOUSE_ROUTES", "/api=http://127.0.0.1:8001");

  private static Map<String, String> env(String... extra) {
    Map<String, String> env = new HashMap<>(ENV);
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  @Test
  void everythingDefaultsFromTheIssuerAndTheGatewayClientsSecret() {
    PermissionCheckOptions options = GatewayConfig.fromJson(new JsonObject(),
        env("GATEHOUSE_GATEWAY_CLIENT_SECRET", "from-env")).admin().permissionCheck();

    assertThat(options.keycloakUrl()).isEqualTo("https://sso.example.com");
    assertThat(options.realm()).isEqualTo("suite");
    assertThat(options.clientId()).isEqualTo("gateway");
    assertThat(options.clientSecret()).isEqualTo("from-env");
    assertThat(options.permissionsClient()).isEqualTo("gatehouse-permissions");
    assertThat(options.tokenEndpoint()).isEqualTo("https://sso.example.com/realms/suite/protocol/openid-connect/token");
    assertThat(options.permissionsUrl()).isEqualTo("https://sso.example.com/realms/suite/gatehouse-permissions");
    assertThat(options.missingSetting()).isNull();
  }

  @Test
  void theApiTokensSecretOfTheSameClientServesToo() {
    JsonObject json = new JsonObject().put("apiTokens", new JsonObject().put("clientSecret", "api-secret"))
        .put("admin", new JsonObject().put("permissionCheck", new JsonObject()
            .put("keycloakUrl", "http://keycloak:8080")));

    PermissionCheckOptions options = GatewayConfig.fromJson(json, ENV).admin().permissionCheck();

    assertThat(options.clientSecret()).isEqualTo("api-secret");
    assertThat(options.tokenEndpoint()).isEqualTo("http://keycloak:8080/realms/suite/protocol/openid-connect/token");
  }

  @Test
  void withoutASecretTheGatewayStartsAndTheCheckFailsClosed() {
    GatewayConfig config = GatewayConfig.fromJson(new JsonObject().put("admin", new JsonObject()
        .put("permissionCheck", new JsonObject().put("clientId", "permission-reader"))),
        env("GATEHOUSE_GATEWAY_CLIENT_SECRET", "belongs-to-the-gateway-client"));

    assertThat(config.admin().permissionCheck().clientSecret()).as("another client's secret is never borrowed")
        .isNull();
    assertThat(config.admin().permissionCheck().missingSetting()).contains("no secret", "'permission-reader'");
  }

  @Test
  void badValuesAreReportedWithTheOtherProblems() {
    JsonObject json = new JsonObject().put("admin", new JsonObject().put("permissionCheck", new JsonObject()
        .put("keycloakUrl", "keycloak:8080/").put("realm", "a/b").put("clientSecret", 42)));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.fromJson(json, ENV));

    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("admin.permissionCheck.clientSecret")
        .doesNotContain("42"));
  }

  @Test
  void malformedAddressesAreReported() {
    JsonObject json = new JsonObject().put("admin", new JsonObject().put("permissionCheck", new JsonObject()
        .put("keycloakUrl", "keycloak:8080/").put("realm", "a/b")));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.fromJson(json, ENV));

    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("admin.permissionCheck.keycloakUrl"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("admin.permissionCheck.realm"));
  }
}
