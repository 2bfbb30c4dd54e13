package dev.gatehouse.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.RouteConfig;
import dev.gatehouse.gateway.tls.TlsMode;
import dev.gatehouse.stack.keycloak.RevocationDelivery;
import dev.gatehouse.stack.keycloak.TokenExchangePermissions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps docker-compose.yml and the files it uses honest against the code, without Docker: every name, port, path
 * and version the deployment mentions must be one the code and the build actually use.
 */
class ComposeConsistencyTest {
  private static final Pattern TCP_PROBE = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/(\\d+)");
  private static final Pattern PROBE_PATH = Pattern.compile("GET (\\S+) HTTP/1\\.1");

  private static Path root;
  private static Map<String, String> exampleEnv;
  private static ComposeFile compose;

  @BeforeAll
  static void load() throws IOException {
    root = RepositoryFiles.root();
    exampleEnv = RepositoryFiles.readEnvFile(root.resolve(".env.example"));
    compose = ComposeFile.load(root.resolve("docker-compose.yml"), exampleEnv);
  }

  @Test
  void everyComposeVariableIsDocumentedInEnvExampleAndNoneIsStale() {
    Set<String> used = compose.variableNames();
    assertThat(exampleEnv.keySet())
        .as("variables docker-compose.yml uses must be listed (with a comment) in .env.example")
        .containsAll(used);
    assertThat(used)
        .as(".env.example lists variables docker-compose.yml never uses: remove them or use them")
        .containsAll(exampleEnv.keySet());
  }

  @Test
  void gatewayEnvironmentHoldsOnlyVariablesTheGatewayReads() {
    Set<String> readByGateway = GatewayConfig.environmentVariables();
    assertThat(compose.environment("gateway").keySet())
        .as("gateway environment variables in docker-compose.yml that the gateway does not read "
            + "(GatewayConfig.environmentVariables()): a typo here is silently ignored at run time")
        .isSubsetOf(readByGateway);
  }

  @Test
  void gatewayConfigParsesWithTheComposeEnvironment() throws IOException {
    GatewayConfig config = gatewayConfig();
    assertThat(config.server().host())
        .as("listen.host in the mounted gateway config: a container must listen on all interfaces")
        .isEqualTo("0.0.0.0");
    assertThat(config.activities().seedFile())
        .as("GATEHOUSE_ACTIVITY_SEED must point at the mounted realm-config/activities.json")
        .isEqualTo(root.resolve("realm-config/activities.json"));
    RepositoryFiles.assertSeedFitsTheRoutes(config, "docker-compose");
  }

  /**
   * Keycloak writes revocations into the gateways' database as the least-privileged role (it may add revocations and
   * nothing else), never as the gateway's own user, which owns the policy: a Keycloak compromise must not be able to
   * rewrite activities or services. Its password is the one init-databases.sh gives the role.
   */
  @Test
  void keycloakDeliversRevocationsAsTheLeastPrivilegedWriterNeverAsTheGatewaysUser() throws IOException {
    GatewayConfig config = gatewayConfig();
    Map<String, String> keycloakEnv = compose.environment("keycloak");
    String prefix = RevocationDelivery.ENV_PREFIX;
    assertThat(keycloakEnv.get(prefix + "JDBC_URL"))
        .as("Keycloak's revocation listener must write where the gateways read (their database)")
        .isEqualTo("jdbc:postgresql://" + config.database().host() + ":" + config.database().port() + "/"
            + config.database().database());
    assertThat(keycloakEnv.get(prefix + "JDBC_USERNAME"))
        .as("Keycloak's relay must not use the gateway's database user %s (owner of the policy tables)",
            config.database().user())
        .isNotEqualTo(config.database().user())
        .isEqualTo(RevocationDelivery.WRITER_ROLE);

    // Each variable resolved to its own name shows where every value comes from.
    ComposeFile traced = ComposeFile.load(root.resolve("docker-compose.yml"), variablesNamingThemselves());
    String relayPassword = traced.environment("keycloak").get(prefix + "JDBC_PASSWORD");
    assertThat(relayPassword)
        .as("Keycloak's relay password must be the one init-databases.sh sets for %s (the postgres service's "
            + "GATEHOUSE_REVOCATION_DB_PASSWORD)", RevocationDelivery.WRITER_ROLE)
        .isEqualTo(traced.environment("postgres").get("GATEHOUSE_REVOCATION_DB_PASSWORD"))
        .isEqualTo(variablesNamingThemselves().get("GATEHOUSE_REVOCATION_DB_PASSWORD"));
    assertThat(traced.environment("keycloak").values())
        .as("Keycloak must never get the gateway's database password")
        .doesNotContain(traced.environment("gateway").get("GATEHOUSE_DB_PASSWORD"));
    assertThat(compose.requiredVariableNames()).as("compose must refuse to start without the writer's password")
        .contains("GATEHOUSE_REVOCATION_DB_PASSWORD");
  }

  /** init-databases.sh runs in the postgres container with only that service's environment. */
  @Test
  void initDatabasesScriptGetsEveryVariableItRequires() throws IOException {
    Matcher required = Pattern.compile(": \"\\$\\{([A-Z_]+):\\?").matcher(
        Files.readString(root.resolve("deploy/postgres/init-databases.sh")));
    Set<String> names = new TreeSet<>();
    while (required.find()) {
      names.add(required.group(1));
    }
    assertThat(names).as("deploy/postgres/init-databases.sh requires these").contains(
        "GATEHOUSE_DB_PASSWORD", "GATEHOUSE_KEYCLOAK_DB_PASSWORD", "GATEHOUSE_REVOCATION_DB_PASSWORD");
    assertThat(compose.environment("postgres").keySet())
        .as("the postgres service must pass every variable init-databases.sh requires, or its first start fails")
        .containsAll(names);
  }

  @Test
  void loadBalancerSendsTrafficWhereTheGatewaysListen() throws IOException {
    GatewayConfig config = gatewayConfig();
    List<URI> servers = nginxUpstreamServers("gateways");
    assertThat(servers).as("deploy/nginx/nginx.conf: upstream gateways has no server").isNotEmpty();
    for (URI server : servers) {
      assertThat(compose.serviceNames())
          .as("nginx upstream server %s must name a compose service", server)
          .contains(server.getHost());
      assertThat(server.getPort())
          .as("nginx upstream server %s must use the gateway's listen.port", server)
          .isEqualTo(config.server().port());
    }
    assertThat(compose.setting("lb", "depends_on")).asString().contains("gateway");
  }

  /**
   * nginx (lb) forwards to the gateways in the scheme of its proxy_pass, and the image's HEALTHCHECK speaks plain
   * HTTP; the gateway's tls.mode must match both, or every request and every health check fails. Plain HTTP is only
   * acceptable because a TLS proxy sits in front of lb: "terminated-by-proxy" says so (and the config loader refuses
   * a public listener that states no mode).
   */
  @Test
  void gatewayTlsModeMatchesHowTheLoadBalancerAndTheHealthCheckReachIt() throws IOException {
    GatewayConfig config = gatewayConfig();
    Matcher proxyPass = Pattern.compile("proxy_pass\\s+(https?)://gateways\\b").matcher(nginxConf());
    assertThat(proxyPass.find()).as("deploy/nginx/nginx.conf must proxy_pass to upstream gateways").isTrue();
    String scheme = proxyPass.group(1);
    assertThat(config.server().tls().mode())
        .as("nginx speaks %s to the gateways, so tls.mode in deploy/gateway/gateway.json (or GATEHOUSE_TLS_MODE) "
            + "must be %s", scheme, scheme.equals("https") ? "terminate" : "terminated-by-proxy")
        .isEqualTo(scheme.equals("https") ? TlsMode.TERMINATE : TlsMode.TERMINATED_BY_PROXY);
    assertThat(Dockerfile.read(root.resolve("vertx-gateway/Dockerfile")).finalStage("HEALTHCHECK"))
        .as("the gateway image's HEALTHCHECK speaks plain HTTP (bash /dev/tcp); with tls.mode terminate it "
            + "would mark every gateway unhealthy")
        .allSatisfy(check -> assertThat(config.server().tls().mode()).isNotEqualTo(TlsMode.TERMINATE));
  }

  @Test
  void loadBalancerAcceptsHeadersAsLargeAsTheGatewayDoes() throws IOException {
    Matcher m = Pattern.compile("large_client_header_buffers\\s+\\d+\\s+(\\d+)([km]?);").matcher(nginxConf());
    assertThat(m.find()).as("deploy/nginx/nginx.conf must set large_client_header_buffers (tokens exceed 8 KB)")
        .isTrue();
    long bytes = Long.parseLong(m.group(1)) * switch (m.group(2)) {
      case "k" -> 1024L;
      case "m" -> 1024L * 1024;
      default -> 1L;
    };
    assertThat(bytes)
        .as("nginx large_client_header_buffers size must be at least the gateway's listen.maxHeaderBytes, "
            + "or nginx answers 400/494 to tokens the gateway would accept")
        .isGreaterThanOrEqualTo(gatewayConfig().server().maxHeaderBytes());
  }

  @Test
  void gatewayRunsAsSeveralReplicasAndStopsGracefully() throws IOException {
    assertThat(compose.setting("gateway", "deploy", "replicas"))
        .as("gateway deploy.replicas: the gateway is stateless and runs as at least two instances")
        .isInstanceOfSatisfying(Integer.class, replicas -> assertThat(replicas).isGreaterThanOrEqualTo(2));
    Duration grace = parseDuration(String.valueOf(compose.setting("gateway", "stop_grace_period")));
    // GatewayMain waits shutdownTimeoutMillis plus 5 s for the drain before giving up.
    assertThat(grace)
        .as("gateway stop_grace_period must exceed shutdownTimeoutMillis + 5 s, or Docker kills in-flight requests")
        .isGreaterThan(Duration.ofMillis(gatewayConfig().server().shutdownTimeoutMillis() + 5_000));
  }

  @Test
  void gatewayRoutesReachTheDemoServiceOnItsPort() throws IOException {
    List<RouteConfig> routes = gatewayConfig().proxy().routes();
    Map<String, String> demoEnv = compose.environment("demo");
    assertThat(demoEnv.get("GATEHOUSE_DEMO_HOST"))
        .as("demo GATEHOUSE_DEMO_HOST: the demo defaults to 127.0.0.1, unreachable from the gateway container")
        .isEqualTo("0.0.0.0");
    for (RouteConfig route : routes) {
      String host = route.upstream().getHost();
      assertThat(compose.serviceNames()).as("route %s upstream host must be a compose service", route.prefix())
          .contains(host);
      if (host.equals("demo")) {
        assertThat(String.valueOf(route.upstreamPort()))
            .as("route %s upstream port must equal the demo's GATEHOUSE_DEMO_PORT", route.prefix())
            .isEqualTo(demoEnv.getOrDefault("GATEHOUSE_DEMO_PORT", "8001"));
      }
    }
    assertThat(routes).extracting(route -> route.upstream().getHost()).contains("demo");
  }

  @Test
  void gatewayTrustsTheIssuerKeycloakWritesAndFetchesKeysFromIt() throws IOException {
    GatewayConfig config = gatewayConfig();
    String realm = RepositoryFiles.realmName(root);
    String keycloakUrl = compose.environment("keycloak").get("KC_HOSTNAME");
    assertThat(config.token().issuer())
        .as("the gateway's issuer must be Keycloak's KC_HOSTNAME + /realms/" + realm + ", exactly as tokens carry it")
        .isEqualTo(keycloakUrl.replaceAll("/+$", "") + "/realms/" + realm);
    URI jwks = config.token().jwksUrl();
    assertThat(jwks.getHost()).as("token.jwksUrl must reach the keycloak service on the internal network")
        .isEqualTo("keycloak");
    assertThat(jwks.getPort()).as("token.jwksUrl port must be Keycloak's HTTP port")
        .isEqualTo(Integer.parseInt(compose.environment("keycloak").getOrDefault("KC_HTTP_PORT", "8080")));
    assertThat(jwks.getPath()).as("token.jwksUrl must be the certs endpoint of realm " + realm).isEqualTo("/realms/" + realm + "/protocol/openid-connect/certs");
    assertThat(config.token().audiences()).as("the realm's audience mapper adds \"gateway\"").contains("gateway");
  }

  @Test
  void gatewayHealthCheckAsksAPublicReadinessPath() throws IOException {
    GatewayConfig config = gatewayConfig();
    Dockerfile image = Dockerfile.read(root.resolve("vertx-gateway/Dockerfile"));
    List<String> healthChecks = image.finalStage("HEALTHCHECK");
    assertThat(healthChecks).as("vertx-gateway/Dockerfile needs a HEALTHCHECK").hasSize(1);
    String probe = healthChecks.get(0);
    assertThat(probePort(probe)).as("the gateway HEALTHCHECK must probe listen.port").isEqualTo(config.server().port());
    assertThat(probePath(probe)).as("the gateway HEALTHCHECK must ask readiness").isEqualTo("/health/ready");
    assertThat(config.server().publicRoutes())
        .as("the health path must be a public route, or the probe gets 401 instead of the readiness answer")
        .contains("/health/ready");
    assertThat(compose.setting("gateway", "healthcheck"))
        .as("the gateway's health check lives in its Dockerfile; a compose healthcheck would silently replace it")
        .isNull();
  }

  @Test
  void keycloakHealthCheckAsksTheManagementPortAndHealthIsBuiltIn() throws IOException {
    String probe = String.join(" ", asStrings(compose.setting("keycloak", "healthcheck", "test")));
    assertThat(probePort(probe)).as("Keycloak serves health on its management port")
        .isEqualTo(Integer.parseInt(compose.environment("keycloak").getOrDefault("KC_HTTP_MANAGEMENT_PORT", "9000")));
    assertThat(probePath(probe)).isEqualTo("/health/ready");
    assertThat(keycloakImage().all("RUN"))
        .as("deploy/keycloak/Dockerfile must build with --health-enabled=true, or /health/ready answers 404")
        .anySatisfy(run -> assertThat(run).contains("kc.sh build").contains("--health-enabled=true")
            .contains("--db=postgres"));
    assertThat(keycloakImage().finalStage("CMD")).singleElement().asString()
        .as("Keycloak runs in production mode with the pre-built options and imports the realm")
        .contains("\"start\"").contains("\"--optimized\"").contains("\"--import-realm\"")
        .doesNotContain("start-dev");
  }

  @Test
  void keycloakImageEnablesTheFeaturesLocalRunsAndTestsUse() throws IOException {
    List<String> args = keycloakImage().all("ARG").stream()
        .filter(arg -> arg.startsWith("GATEHOUSE_KEYCLOAK_FEATURES=")).toList();
    assertThat(args).as("deploy/keycloak/Dockerfile must declare ARG GATEHOUSE_KEYCLOAK_FEATURES=<default>")
        .hasSize(1);
    assertThat(List.of(args.get(0).substring(args.get(0).indexOf('=') + 1).split(",")))
        .as("the image's default features must equal those of local runs and tests "
            + "(TokenExchangePermissions.FEATURES), or production behaves unlike what the tests proved")
        .containsExactlyElementsOf(TokenExchangePermissions.FEATURES);
    assertThat(keycloakImage().all("RUN"))
        .as("the kc.sh build must pass the features")
        .anySatisfy(run -> assertThat(run).contains("kc.sh build")
            .contains("--features=$GATEHOUSE_KEYCLOAK_FEATURES"));
  }

  @Test
  void keycloakImageIsTheVersionThePomPins() throws Exception {
    String version = RepositoryFiles.pomValue(root.resolve("pom.xml"), "properties", "keycloak.version");
    List<String> keycloakBases = keycloakImage().baseImages().stream()
        .filter(image -> image.startsWith("quay.io/keycloak/keycloak")).toList();
    assertThat(keycloakBases).as("deploy/keycloak/Dockerfile must build on quay.io/keycloak/keycloak").isNotEmpty();
    assertThat(keycloakBases).as("every Keycloak base image tag must equal <keycloak.version> in pom.xml")
        .allSatisfy(image -> assertThat(image).isEqualTo("quay.io/keycloak/keycloak:" + version));
    assertThat(String.valueOf(compose.setting("keycloak", "image")))
        .as("the keycloak service's image tag names the Keycloak version it contains")
        .endsWith(":" + version);
  }

  @Test
  void keycloakImageCopiesTheJarTheProvidersModuleBuilds() throws Exception {
    String finalName = RepositoryFiles.pomValue(root.resolve("keycloak-providers/pom.xml"), "build", "finalName");
    assertThat(keycloakImage().all("COPY"))
        .as("deploy/keycloak/Dockerfile must copy keycloak-providers/target/%s.jar (the module's finalName) "
            + "into /opt/keycloak/providers/", finalName)
        .anySatisfy(copy -> assertThat(copy)
            .contains("keycloak-providers/target/" + finalName + ".jar")
            .contains("/opt/keycloak/providers/"));
    assertThat(keycloakImage().all("COPY"))
        .as("deploy/keycloak/Dockerfile must copy the production realm into the import directory")
        .anySatisfy(copy -> assertThat(copy)
            .contains("realm-config/gatehouse-realm.json").contains("/opt/keycloak/data/import/"));
  }

  @Test
  void gatewayImageRunsTheShadedJarAsAnUnprivilegedUser() throws Exception {
    String output = RepositoryFiles.pomValue(root.resolve("vertx-gateway/pom.xml"), "build", "outputFile");
    String jar = output.substring(output.lastIndexOf('/') + 1);
    Dockerfile image = Dockerfile.read(root.resolve("vertx-gateway/Dockerfile"));
    assertThat(image.all("COPY")).as("vertx-gateway/Dockerfile must copy the shaded jar %s", jar)
        .anySatisfy(copy -> assertThat(copy).contains("vertx-gateway/target/" + jar));
    assertThat(image.finalStage("ENTRYPOINT")).singleElement().asString()
        .as("the gateway image must run the shaded jar").contains(jar).contains("\"-jar\"");
    assertThat(image.finalStage("USER")).as("the gateway image must not run as root").singleElement()
        .satisfies(user -> assertThat(user).isNotIn("root", "0", "0:0"));
    assertThat(image.finalStage("EXPOSE")).singleElement().asString()
        .isEqualTo(String.valueOf(gatewayConfig().server().port()));
  }

  @Test
  void everyMountedOrCopiedRepositoryFileExists() throws IOException {
    List<String> missing = new ArrayList<>();
    for (String service : compose.serviceNames()) {
      for (ComposeFile.Mount mount : compose.bindMounts(service)) {
        if (!Files.exists(root.resolve(mount.source()).normalize())) {
          missing.add(service + " mounts " + mount.source());
        }
      }
      Object dockerfile = compose.setting(service, "build", "dockerfile");
      if (dockerfile != null && !Files.isRegularFile(root.resolve(String.valueOf(dockerfile)))) {
        missing.add(service + " builds from " + dockerfile);
      }
    }
    for (Path file : List.of(root.resolve("deploy/keycloak/Dockerfile"), root.resolve("vertx-gateway/Dockerfile"),
        root.resolve("demo-service/Dockerfile"))) {
      for (String copy : Dockerfile.read(file).all("COPY")) {
        if (copy.contains("--from=")) {
          continue;
        }
        String[] parts = copy.replaceAll("--\\S+\\s+", "").split("\\s+");
        for (int i = 0; i < parts.length - 1; i++) {
          if (!parts[i].equals(".") && !Files.exists(root.resolve(parts[i]))) {
            missing.add(root.relativize(file) + " copies " + parts[i]);
          }
        }
      }
    }
    assertThat(missing).as("paths the deployment expects in the repository but that do not exist").isEmpty();
  }

  @Test
  void keycloakGetsEveryRealmPlaceholderAndCannotStartWithoutTheSecrets() throws IOException {
    Map<String, String> keycloakEnv = compose.environment("keycloak");
    Set<String> required = compose.requiredVariableNames();
    Matcher m = RepositoryFiles.REALM_PLACEHOLDER.matcher(
        Files.readString(root.resolve("realm-config/gatehouse-realm.json")));
    List<String> problems = new ArrayList<>();
    while (m.find()) {
      String name = m.group(1);
      if (!keycloakEnv.containsKey(name)) {
        problems.add(name + " is used by gatehouse-realm.json but not given to the keycloak service");
      }
      boolean noDefault = m.group(2) == null;
      if (noDefault && !required.contains(name)) {
        problems.add(name + " has no default in the realm, so compose must require it with ${" + name + ":?...}");
      }
    }
    assertThat(problems).as("realm placeholders vs. the keycloak service (an unset one is imported literally)")
        .isEmpty();
  }

  @Test
  void keycloakEntrypointRefusesMissingOrExampleSecretsAndRunsTheCommandOtherwise() throws Exception {
    Map<String, String> secrets = Map.of(
        "GATEHOUSE_GATEWAY_CLIENT_SECRET", "s3cret-gateway",
        "GATEHOUSE_REPORTING_SERVICE_SECRET", "s3cret-reporting",
        "GATEHOUSE_MOBILE_BACKEND_SECRET", "s3cret-mobile-backend");

    Map<String, String> missingOne = new HashMap<>(secrets);
    missingOne.remove("GATEHOUSE_REPORTING_SERVICE_SECRET");
    Commands.Result refused = runEntrypoint(missingOne);
    assertThat(refused.exitCode()).as("entrypoint with a missing realm secret must not start Keycloak")
        .isNotZero();
    assertThat(refused.stdout()).doesNotContain("kc-started");
    assertThat(refused.stderr()).contains("GATEHOUSE_REPORTING_SERVICE_SECRET is not set");

    Map<String, String> example = new HashMap<>(secrets);
    example.put("GATEHOUSE_GATEWAY_CLIENT_SECRET", exampleEnv.get("GATEHOUSE_GATEWAY_CLIENT_SECRET"));
    Commands.Result exampleRun = runEntrypoint(example);
    assertThat(exampleRun.exitCode()).as("entrypoint with a secret left at its .env.example value").isNotZero();
    assertThat(exampleRun.stderr()).contains("GATEHOUSE_GATEWAY_CLIENT_SECRET still holds the example value");

    Map<String, String> exampleRelayPassword = new HashMap<>(secrets);
    exampleRelayPassword.put(RevocationDelivery.JDBC_PASSWORD, exampleEnv.get("GATEHOUSE_REVOCATION_DB_PASSWORD"));
    Commands.Result relayRun = runEntrypoint(exampleRelayPassword);
    assertThat(relayRun.exitCode()).as("entrypoint with the relay's database password at its .env.example value")
        .isNotZero();
    assertThat(relayRun.stderr()).contains(RevocationDelivery.JDBC_PASSWORD + " still holds the example value");

    Commands.Result started = runEntrypoint(secrets);
    assertThat(started.exitCode()).as("entrypoint with every secret set; stderr: %s", started.stderr()).isZero();
    assertThat(started.stdout()).contains("kc-started start --optimized");
  }

  @Test
  void everySecretInEnvExampleIsAVisiblePlaceholder() {
    exampleEnv.forEach((name, value) -> {
      if (name.endsWith("_SECRET") || name.endsWith("_PASSWORD")) {
        assertThat(value).as(".env.example %s must be a change-me placeholder, never a usable secret", name)
            .startsWith("change-me");
      }
    });
  }

  /** Every variable of .env.example, valued with its own name. */
  private static Map<String, String> variablesNamingThemselves() {
    Map<String, String> values = new HashMap<>();
    exampleEnv.keySet().forEach(name -> values.put(name, "value-of-" + name));
    return values;
  }

  private Commands.Result runEntrypoint(Map<String, String> env) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("deploy/keycloak/entrypoint.sh").toString(),
        "echo", "kc-started", "start", "--optimized");
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().put("GATEHOUSE_REALM_IMPORT_DIR", root.resolve("realm-config").toString());
    builder.environment().putAll(env);
    return Commands.run(builder, Duration.ofSeconds(30));
  }

  /** The gateway's configuration exactly as a container gets it: the compose environment, container paths mapped. */
  private GatewayConfig gatewayConfig() {
    Map<String, String> env = new HashMap<>(compose.environment("gateway"));
    List<ComposeFile.Mount> mounts = compose.bindMounts("gateway");
    env.replaceAll((name, value) -> hostPathOf(value, mounts));
    assertThat(env).as("the gateway service must name its config file in %s", GatewayConfig.CONFIG_ENV)
        .containsKey(GatewayConfig.CONFIG_ENV);
    assertThat(Path.of(env.get(GatewayConfig.CONFIG_ENV)))
        .as("%s must point at a file mounted into the gateway container", GatewayConfig.CONFIG_ENV)
        .startsWith(root);
    return GatewayConfig.load(new String[0], env);
  }

  private static String hostPathOf(String value, List<ComposeFile.Mount> mounts) {
    for (ComposeFile.Mount mount : mounts) {
      if (value.equals(mount.target())) {
        return root.resolve(mount.source()).normalize().toString();
      }
    }
    return value;
  }

  private static Dockerfile keycloakImage() throws IOException {
    return Dockerfile.read(root.resolve("deploy/keycloak/Dockerfile"));
  }

  private static String nginxConf() throws IOException {
    return Files.readString(root.resolve("deploy/nginx/nginx.conf"));
  }

  private static List<URI> nginxUpstreamServers(String upstream) throws IOException {
    Matcher block = Pattern.compile("upstream\\s+" + upstream + "\\s*\\{([^}]*)}").matcher(nginxConf());
    assertThat(block.find()).as("deploy/nginx/nginx.conf has no upstream %s", upstream).isTrue();
    List<URI> servers = new ArrayList<>();
    Matcher server = Pattern.compile("(?m)^\\s*server\\s+([^\\s;]+)").matcher(block.group(1));
    while (server.find()) {
      servers.add(URI.create("http://" + server.group(1)));
    }
    return servers;
  }

  private static int probePort(String probe) {
    Matcher m = TCP_PROBE.matcher(probe);
    assertThat(m.find()).as("health probe %s has no /dev/tcp/127.0.0.1/<port>", probe).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static String probePath(String probe) {
    Matcher m = PROBE_PATH.matcher(probe);
    assertThat(m.find()).as("health probe %s sends no GET request", probe).isTrue();
    return m.group(1);
  }

  private static List<String> asStrings(Object list) {
    assertThat(list).as("expected a list").isInstanceOf(List.class);
    return ((List<?>) list).stream().map(String::valueOf).toList();
  }

  private static Duration parseDuration(String text) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m)").matcher(text.strip());
    assertThat(m.matches()).as("duration %s (expected e.g. 30s)", text).isTrue();
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofSeconds(amount);
    };
  }
}
