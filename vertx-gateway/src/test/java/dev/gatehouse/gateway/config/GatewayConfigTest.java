package dev.gatehouse.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.gateway.token.SignatureAlgorithm;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {
  private static final Map<String, String> MINIMAL_ENV = Map.of(
      "GATEHOUSE_ISSUER", "http://127.0.0.1:8080/realms/gatehouse",
      "GATEHOUSE_JWKS_URL", "http://127.0.0.1:8080/realms/gatehouse/protocol/openid-connect/certs",
      "GATEHOUSE_AUDIENCES", "gatehouse-gateway",
      "GATEHOUSE_ROUTES", "/api/v1=http://127.0.0.1:8001");

  private static Path example() {
    return Path.of("src/main/resources/gateway.example.json");
  }

  private static final Map<String, String> LOGIN_SECRETS = Map.of(
      "GATEHOUSE_GATEWAY_CLIENT_SECRET", "client-secret-from-the-environment",
      "GATEHOUSE_LOGIN_STATE_SECRETS", "first-state-secret-at-least-32-bytes-long,older-state-secret-at-least-32-bytes");

  @Test
  void theShippedExampleLoadsWithItsDocumentedValues() {
    GatewayConfig config = GatewayConfig.load(new String[] {"--config", example().toString()}, LOGIN_SECRETS);

    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.server().port()).isEqualTo(8000);
    assertThat(config.server().maxHeaderBytes()).isEqualTo(16384);
    assertThat(config.token().audiences()).containsExactly("gateway");
    assertThat(config.proxy().routes()).containsExactly(
        new RouteConfig("/api", URI.create("http://127.0.0.1:8001"), 30_000));
    assertThat(config.server().publicRoutes()).containsExactlyInAnyOrder("/health/live", "/health/ready", "/metrics");
    assertThat(config.database().password()).isEqualTo("change-me");
    assertThat(config.toString()).doesNotContain("change-me");
    assertThat(config.loginEnabled()).isTrue();
    assertThat(config.login().issuer()).as("defaults to token.issuer").isEqualTo(config.token().issuer());
    assertThat(config.login().clientSecret()).isEqualTo("client-secret-from-the-environment");
    assertThat(config.login().stateSecrets()).hasSize(2);
    assertThat(config.login().callbackUrl()).isEqualTo("https://api.example.com/auth/callback");
    assertThat(config.login().logoutDoneUrl()).isEqualTo("https://api.example.com/auth/logout/done");
    assertThat(config.toString()).doesNotContain("client-secret-from-the-environment", "state-secret");
  }

  @Test
  void theExampleWithoutItsSecretsNamesTheVariablesToSet() {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> GatewayConfig.load(new String[] {"--config", example().toString()}, Map.of()));

    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("login.clientSecret")
        .contains("GATEHOUSE_GATEWAY_CLIENT_SECRET"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("login.stateSecrets")
        .contains("GATEHOUSE_LOGIN_STATE_SECRETS"));
  }

  @Test
  void withoutALoginSectionLoginIsOffEvenWhenItsSecretsAreInTheEnvironment() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL_ENV);
    env.putAll(LOGIN_SECRETS);

    GatewayConfig config = GatewayConfig.load(new String[0], env);

    assertThat(config.loginEnabled()).isFalse();
    assertThat(config.login()).isNull();
  }

  @Test
  void loginCanBeSwitchedOnAndConfiguredFromTheEnvironmentAlone() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL_ENV);
    env.putAll(LOGIN_SECRETS);
    env.put("GATEHOUSE_LOGIN_ENABLED", "true");
    env.put("GATEHOUSE_GATEWAY_PUBLIC_URL", "http://api.gatehouse.test:8000");
    env.put("GATEHOUSE_PARENT_DOMAIN", "gatehouse.test");

    ConfigException insecure = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.load(new String[0], env));
    assertThat(insecure.problems()).anySatisfy(p -> assertThat(p).startsWith("login.publicBaseUrl uses http"));

    JsonObject local = new JsonObject().put("login", new JsonObject().put("allowInsecureHttp", true)
        .put("allowedPorts", new JsonArray().add(8080).add("8081")));
    GatewayConfig config = GatewayConfig.fromJson(local, env);
    assertThat(config.login().publicBaseUrl()).isEqualTo("http://api.gatehouse.test:8000");
    assertThat(config.login().parentDomain()).isEqualTo("gatehouse.test");
    assertThat(config.login().allowedPorts()).containsExactlyInAnyOrder(8080, 8081);
    assertThat(config.login().issuer()).isEqualTo("http://127.0.0.1:8080/realms/gatehouse");
  }

  @Test
  void anExplicitlyDisabledLoginSectionMountsNothing() {
    GatewayConfig config = GatewayConfig.fromJson(
        new JsonObject().put("login", new JsonObject().put("enabled", false)), MINIMAL_ENV);

    assertThat(config.loginEnabled()).isFalse();
  }

  @Test
  void loginProblemsAreReportedWithTheOthers() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL_ENV);
    env.put("GATEHOUSE_LOGIN_STATE_SECRETS", "too-short");
    JsonObject json = new JsonObject()
        .put("token", new JsonObject().put("cookieName", "session"))
        .put("login", new JsonObject()
            .put("publicBaseUrl", "https://api.other.org/path")
            .put("parentDomain", "example.com")
            .put("allowedPorts", new JsonArray().add("eighty"))
            .put("allowInsecureHttp", "maybe")
            .put("stateTtlMinutes", 60)
            .put("clientAuthMethod", "private_key_jwt")
            .put("clientSecret", 12345));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.fromJson(json, env));

    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("token.cookieName:").contains("jwt-token"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("login.allowedPorts:").contains("eighty"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("login.allowInsecureHttp:").contains("maybe"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("login.stateTtlMinutes:").contains("60"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("login.clientAuthMethod:")
        .contains("client_secret_post"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("login.clientSecret:").contains("(hidden)")
        .doesNotContain("12345"));
  }

  @Test
  void wellTypedButUnusableLoginValuesAreExplainedToo() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL_ENV);
    env.putAll(LOGIN_SECRETS);
    env.put("GATEHOUSE_LOGIN_STATE_SECRETS", "too-short");
    JsonObject json = new JsonObject().put("login", new JsonObject()
        .put("publicBaseUrl", "https://api.other.org")
        .put("parentDomain", "example.com"));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.fromJson(json, env));

    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("login.publicBaseUrl host 'api.other.org'"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("login.stateSecrets[0] is shorter")
        .contains("GATEHOUSE_LOGIN_STATE_SECRETS").doesNotContain("too-short"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("login.issuer must use https"));
  }

  @Test
  void defaultsApplyWhenOnlyTheRequiredValuesComeFromTheEnvironment() {
    GatewayConfig config = GatewayConfig.load(new String[0], MINIMAL_ENV);

    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.server().port()).isEqualTo(8000);
    assertThat(config.token().cookieName()).isEqualTo("jwt-token");
    assertThat(config.token().algorithms()).containsExactly(SignatureAlgorithm.RS256);
    assertThat(config.server().maxHeaderBytes()).isEqualTo(16 * 1024);
    assertThat(config.proxy().identityHeaderPrefix()).isEqualTo("X-Auth-");
    assertThat(config.proxy().maxIdentityHeaderBytes()).isEqualTo(32 * 1024);
    assertThat(config.proxy().poolSize()).isEqualTo(64);
    assertThat(config.proxy().maxWaitQueue()).isEqualTo(1000);
    assertThat(config.database()).isEqualTo(new DatabaseConfig("127.0.0.1", 5432, "gatehouse", "gatehouse", ""));
    assertThat(config.proxy().routes().get(0).timeoutMillis()).isEqualTo(30_000);
  }

  @Test
  void environmentOverridesTheFile() {
    Map<String, String> env = new java.util.HashMap<>(LOGIN_SECRETS);
    env.putAll(Map.of(
        "GATEHOUSE_GATEWAY_PORT", "9100",
        "GATEHOUSE_GATEWAY_HOST", "0.0.0.0",
        "GATEHOUSE_DB_URL", "postgresql://app:s%40cret@db.internal:6543/policies",
        "GATEHOUSE_DB_USER", "explicit-user",
        "GATEHOUSE_ROUTES", "/api/v1=http://svc-a:8080,/api/v2=https://svc-b"));

    GatewayConfig config = GatewayConfig.load(new String[] {"--config=" + example()}, env);

    assertThat(config.server().port()).isEqualTo(9100);
    assertThat(config.server().host()).isEqualTo("0.0.0.0");
    assertThat(config.database()).isEqualTo(new DatabaseConfig("db.internal", 6543, "policies", "explicit-user", "s@cret"));
    assertThat(config.proxy().routes()).extracting(RouteConfig::prefix).containsExactly("/api/v1", "/api/v2");
    assertThat(config.proxy().routes().get(1).tls()).isTrue();
    assertThat(config.proxy().routes().get(1).upstreamPort()).isEqualTo(443);
  }

  @Test
  void theConfigFileCanComeFromTheEnvironment(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("gateway.json");
    Files.writeString(file, Files.readString(example()).replace("8000", "8123"));

    Map<String, String> env = new java.util.HashMap<>(LOGIN_SECRETS);
    env.put(GatewayConfig.CONFIG_ENV, file.toString());
    GatewayConfig config = GatewayConfig.load(new String[0], env);

    assertThat(config.server().port()).isEqualTo(8123);
  }

  @Test
  void everyProblemIsReportedAtOnceNamingKeyValueAndExpectation() {
    JsonObject json = new JsonObject()
        .put("listen", new JsonObject().put("port", "eighty").put("maxHeaderBytes", 100))
        .put("token", new JsonObject().put("issuer", "not a url").put("algorithms", new JsonArray().add("HS256")))
        .put("routes", new JsonArray()
            .add(new JsonObject().put("prefix", "/api/").put("upstream", "http://svc:8080/base"))
            .add(new JsonObject().put("prefix", "/x").put("upstream", "ftp://svc").put("timeoutMillis", -5)))
        .put("identity", new JsonObject().put("headerPrefix", "X Auth"));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.fromJson(json, Map.of()));

    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("listen.port:").contains("\"eighty\"")
        .contains("whole number between 0 and 65535"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("listen.maxHeaderBytes:").contains("100"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("token.issuer:").contains("\"not a url\""));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("token.jwksUrl:").contains("got nothing"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("token.audiences:"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("token.algorithms:").contains("\"HS256\""));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("routes[0].prefix:").contains("\"/api/\""));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("routes[0].upstream:").contains("only scheme"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("routes[1].upstream:").contains("\"ftp://svc\""));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("routes[1].timeoutMillis:").contains("-5"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("identity.headerPrefix:"));
    assertThat(e.getMessage()).contains(e.problems().size() + " problem(s)");
  }

  @Test
  void problemsFromTheEnvironmentNameTheVariable() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL_ENV);
    env.put("GATEHOUSE_GATEWAY_PORT", "70000");
    env.put("GATEHOUSE_ROUTES", "no-equals-sign");

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.load(new String[0], env));

    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
        .startsWith("listen.port (from GATEHOUSE_GATEWAY_PORT):").contains("70000"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("GATEHOUSE_ROUTES:").contains("no-equals-sign"));
  }

  @Test
  void aDatabaseUrlThatDoesNotParseIsReportedWithoutShowingIt() {
    Map<String, String> env = new java.util.HashMap<>(MINIMAL_ENV);
    env.put("GATEHOUSE_DB_URL", "mysql://root:topsecret@db/x");

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.load(new String[0], env));

    assertThat(e.problems()).singleElement().asString().startsWith("GATEHOUSE_DB_URL:").doesNotContain("topsecret");
  }

  @Test
  void duplicatePrefixesAndTokensLargerThanHeadersAreRefused() {
    JsonObject json = new JsonObject()
        .put("token", new JsonObject().put("issuer", "https://sso.example.com/realms/x")
            .put("jwksUrl", "https://sso.example.com/jwks").put("audiences", new JsonArray().add("gw"))
            .put("maxTokenBytes", 65536))
        .put("routes", new JsonArray()
            .add(new JsonObject().put("prefix", "/api").put("upstream", "http://a"))
            .add(new JsonObject().put("prefix", "/api").put("upstream", "http://b")));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.fromJson(json, Map.of()));

    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("routes[1].prefix:").contains("not used by another"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("token.maxTokenBytes:").contains("maxHeaderBytes"));
  }

  @Test
  void anUnreadableOrInvalidFileIsExplained(@TempDir Path dir) throws IOException {
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{ \"listen\": ");

    assertThatThrownBy(() -> GatewayConfig.load(new String[] {"--config", dir.resolve("missing.json").toString()},
        Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> GatewayConfig.load(new String[] {"--config", broken.toString()}, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("is not a JSON object");
  }

  @Test
  void routePrefixesMustBeNormalised() {
    assertThat(List.of("/", "/api", "/api/v1")).allMatch(dev.gatehouse.gateway.policy.ServiceRules::validPrefix);
    assertThat(List.of("api", "/api/", "//api", "/api/../x", "/a/./b", "/a%2Fb", "/a?b", "/a;b"))
        .noneMatch(dev.gatehouse.gateway.policy.ServiceRules::validPrefix);
  }

  @Test
  void clientConnectionTimeoutsDefaultToTwentyAndSeventyFiveSeconds() {
    GatewayConfig config = GatewayConfig.load(new String[0], MINIMAL_ENV);

    assertThat(config.server().connectionLimits().requestHeadTimeout()).isEqualTo(java.time.Duration.ofSeconds(20));
    assertThat(config.server().connectionLimits().idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(75));
  }

  @Test
  void clientConnectionTimeoutsAreRead() {
    JsonObject json = new JsonObject().put("listen", new JsonObject().put("requestHeadTimeoutSeconds", 5)
        .put("idleTimeoutSeconds", "120"));

    GatewayConfig config = GatewayConfig.fromJson(json, MINIMAL_ENV);

    assertThat(config.server().connectionLimits().requestHeadTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(config.server().connectionLimits().idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(120));
  }

  @Test
  void zeroNegativeOrOversizedClientConnectionTimeoutsAreRefusedWithTheirRange() {
    for (Object bad : List.of(0, -1, "0", "soon", 1.5, 100_000)) {
      JsonObject json = new JsonObject().put("listen", new JsonObject().put("requestHeadTimeoutSeconds", bad)
          .put("idleTimeoutSeconds", bad));

      ConfigException e = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.fromJson(json, MINIMAL_ENV));

      assertThat(e).as("value " + bad).isNotNull();
      assertThat(e.problems()).as("value " + bad).anySatisfy(p -> assertThat(p)
          .startsWith("listen.requestHeadTimeoutSeconds: expected a whole number between 1 and 300"));
      assertThat(e.problems()).as("value " + bad).anySatisfy(p -> assertThat(p)
          .startsWith("listen.idleTimeoutSeconds: expected a whole number between 1 and 3600"));
    }
  }
}
