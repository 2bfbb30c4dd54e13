package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.admin.PermissionCheckOptions;
import dev.gatehouse.gateway.apitoken.ApiTokenOptions;
import dev.gatehouse.gateway.audit.AuditOptions;
import dev.gatehouse.gateway.forwarded.TrustedProxies;
import dev.gatehouse.gateway.connection.ClientConnectionLimits;
import dev.gatehouse.gateway.login.LoginOptions;
import dev.gatehouse.gateway.policy.ServiceRules;
import dev.gatehouse.gateway.revocation.RevocationOptions;
import dev.gatehouse.gateway.tls.ServerTlsOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the gateway needs to know at start, loaded once from a JSON file plus environment overrides, validated
 * as a whole. See {@code gateway.example.json} for the file layout and the README for every key.
 */
public record GatewayConfig(
    String listenHost,
    int listenPort,
    int maxHeaderBytes,
    String issuer,
    URI jwksUrl,
    List<String> audiences,
    List<String> algorithms,
    int maxTokenBytes,
    String cookieName,
    DatabaseConfig database,
    List<RouteConfig> routes,
    Set<String> publicRoutes,
    int upstreamPoolSize,
    int upstreamMaxWaitQueue,
    long upstreamConnectTimeoutMillis,
    String identityHeaderPrefix,
    int maxIdentityHeaderBytes,
    int adminMaxBodyBytes,
    long shutdownTimeoutMillis,
    Path activitySeedFile,
    long activityPollSeconds,
    LoginOptions login,
    ApiTokenOptions apiTokens,
    ServerTlsOptions tls,
    TrustedProxies trustedProxies,
    PermissionCheckOptions permissionCheck,
    ClientConnectionLimits connectionLimits,
    RevocationOptions revocation,
    int verifiedTokenCacheSize,
    boolean vertxHttpMetrics,
    AuditOptions audit) {

  /** The proxy's section: routes, upstream pool, identity contract, trusted proxies. */
  public ProxySettings proxy() {
    return new ProxySettings(routes, upstreamConnectTimeoutMillis, upstreamPoolSize, upstreamMaxWaitQueue,
        maxHeaderBytes, identityHeaderPrefix, maxIdentityHeaderBytes, cookieName, trustedProxies);
  }

  /** Whether {@code Authorization: Bearer gatehouse_pat_...} API tokens are resolved; {@link #apiTokens()} is null otherwise. */
  public boolean apiTokensEnabled() {
    return apiTokens != null;
  }

  /** Whether the browser login ({@code /auth/*}) is mounted; {@link #login()} is null otherwise. */
  public boolean loginEnabled() {
    return login != null;
  }

  public static final String CONFIG_ENV = "GATEHOUSE_GATEWAY_CONFIG";
  public static final List<String> DEFAULT_PUBLIC_ROUTES = List.of("/health/live", "/health/ready", "/metrics");
  /** Asymmetric algorithms only: an HMAC algorithm would let a public key act as a shared secret. */
  public static final Set<String> SUPPORTED_ALGORITHMS =
      Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

  /** Environment variable → the config key it overrides (deployment files are checked against it). */
  public static final Map<String, String> ENV_KEYS = Map.ofEntries(
      Map.entry("GATEHOUSE_GATEWAY_HOST", "listen.host"),
      Map.entry("GATEHOUSE_GATEWAY_PORT", "listen.port"),
      Map.entry("GATEHOUSE_ISSUER", "token.issuer"),
      Map.entry("GATEHOUSE_JWKS_URL", "token.jwksUrl"),
      Map.entry("GATEHOUSE_AUDIENCES", "token.audiences"),
      Map.entry("GATEHOUSE_DB_HOST", "database.host"),
      Map.entry("GATEHOUSE_DB_PORT", "database.port"),
      Map.entry("GATEHOUSE_DB_NAME", "database.database"),
      Map.entry("GATEHOUSE_DB_USER", "database.user"),
      Map.entry("GATEHOUSE_DB_PASSWORD", "database.password"),
      Map.entry("GATEHOUSE_ACTIVITY_SEED", "activities.seedFile"));

  /**
   * Read outside this class: the log layout and level (logback.xml) and the common OpenTelemetry variables (SDK
   * autoconfigure, see tracing.GatewayTracing; any other OTEL_* variable works too).
   */
  public static final Set<String> OBSERVABILITY_ENV = Set.of("GATEHOUSE_LOG_FORMAT", "GATEHOUSE_LOG_LEVEL",
      "OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
      "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
      "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG", "OTEL_PROPAGATORS");

  /** Every environment variable the gateway reads, for deployment files and their consistency test. */
  public static Set<String> environmentVariables() {
    Set<String> names = new java.util.TreeSet<>(ENV_KEYS.keySet());
    names.addAll(LoginSettings.ENV_KEYS.keySet());
    names.addAll(ApiTokenSettings.ENV_KEYS.keySet());
    names.addAll(TlsSettings.ENV_KEYS.keySet());
    names.addAll(AuditSettings.ENV_KEYS.keySet());
    names.add(LoginSettings.ENABLED_ENV);
    names.addAll(OBSERVABILITY_ENV);
    names.add(CONFIG_ENV);
    return names;
  }

  public GatewayConfig {
    audiences = List.copyOf(audiences);
    algorithms = List.copyOf(algorithms);
    routes = List.copyOf(routes);
    publicRoutes = Set.copyOf(publicRoutes);
  }

  /** Loads from {@code --config <file>} (or {@value #CONFIG_ENV}), then applies the environment overrides. */
  public static GatewayConfig load(String[] args, Map<String, String> env) {
    String file = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = args[++i];
      } else if (args[i].startsWith("--config=")) {
        file = args[i].substring("--config=".length());
      }
    }
    if (file == null) {
      file = env.get(CONFIG_ENV);
    }
    JsonObject json = file == null || file.isBlank() ? new JsonObject() : readFile(Path.of(file));
    return fromJson(json, env);
  }

  static JsonObject readFile(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException(List.of("config file " + file.toAbsolutePath() + ": cannot be read (" + e
          + "); pass an existing file with --config or " + CONFIG_ENV));
    } catch (DecodeException e) {
      throw new ConfigException(List.of("config file " + file.toAbsolutePath() + ": is not a JSON object ("
          + e.getMessage() + ")"));
    }
  }

  /** Validates {@code json} with {@code env} applied on top; throws {@link ConfigException} listing every problem. */
  public static GatewayConfig fromJson(JsonObject json, Map<String, String> env) {
    JsonObject merged = json.copy();
    boolean loginRequested = LoginSettings.requested(json.getValue("login"), env);
    boolean apiTokensRequested = ApiTokenSettings.requested(json.getValue("apiTokens"));
    Map<String, String> envSources = new HashMap<>();
    List<String> problems = new ArrayList<>();
    applyEnvironment(merged, env, envSources, problems);

    SettingsReader in = new SettingsReader(merged, envSources);
    String host = in.string("listen.host", "127.0.0.1", false);
    int port = (int) in.number("listen.port", 8000, 0, 65535); // 0: any free port (tests)
    int maxHeaderBytes = (int) in.number("listen.maxHeaderBytes", 16 * 1024, 8 * 1024, 1024 * 1024);
    ClientConnectionLimits connectionLimits = ConnectionSettings.read(in);

    String issuer = in.string("token.issuer", null, true);
    if (issuer != null) {
      httpUrl(in, "token.issuer", issuer);
    }
    String jwks = in.string("token.jwksUrl", null, true);
    URI jwksUrl = jwks == null ? null : httpUrl(in, "token.jwksUrl", jwks);
    List<String> audiences = in.strings("token.audiences", List.of());
    if (audiences.isEmpty()) {
      in.problem("token.audiences", in.raw("token.audiences"),
          "at least one audience the tokens must carry in \"aud\" (e.g. the gateway's client id)");
    }
    List<String> algorithms = in.strings("token.algorithms", List.of("RS256"));
    for (String algorithm : algorithms) {
      if (!SUPPORTED_ALGORITHMS.contains(algorithm)) {
        in.problem("token.algorithms", algorithm, "one of " + new java.util.TreeSet<>(SUPPORTED_ALGORITHMS));
      }
    }
    if (algorithms.isEmpty()) {
      in.problem("token.algorithms", "[]", "at least one algorithm");
    }
    int maxTokenBytes = (int) in.number("token.maxTokenBytes", 16 * 1024, 1024, 256 * 1024);
    // 0 switches the cache off: every request then verifies its token's signature (benchmarks measure that case).
    int verifiedTokenCacheSize = (int) in.number("token.verifiedCacheSize", 10_000, 0, 10_000_000);
    String cookieName = in.string("token.cookieName", "jwt-token", false);
    if (cookieName != null && !cookieName.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
      in.problem("token.cookieName", cookieName, "a cookie name (letters, digits and -._ only)");
    }
    if (maxTokenBytes > maxHeaderBytes) {
      in.problem("token.maxTokenBytes", maxTokenBytes,
          "at most listen.maxHeaderBytes (" + maxHeaderBytes + "), or such tokens could never arrive");
    }

    DatabaseConfig database = new DatabaseConfig(
        in.string("database.host", "127.0.0.1", false),
        (int) in.number("database.port", 5432, 1, 65535),
        in.string("database.database", "gatehouse", false),
        in.string("database.user", "gatehouse", false),
        passwordOf(in));

    List<RouteConfig> routes = routes(in);
    Set<String> publicRoutes = new HashSet<>();
    for (String path : in.strings("publicRoutes", DEFAULT_PUBLIC_ROUTES)) {
      if (!path.startsWith("/") || path.contains("?") || path.contains("#") || path.contains("%")) {
        in.problem("publicRoutes", path, "an exact path starting with '/' (no query, fragment or escapes)");
      }
      publicRoutes.add(path);
    }

    int poolSize = (int) in.number("upstream.poolSize", 64, 1, 10_000);
    int maxWaitQueue = (int) in.number("upstream.maxWaitQueue", 1_000, 0, 1_000_000);
    long connectTimeout = in.number("upstream.connectTimeoutMillis", 2_000, 1, 60_000);
    String identityPrefix = in.string("identity.headerPrefix", "X-Auth-", false);
    if (identityPrefix != null && !identityPrefix.matches("[A-Za-z0-9-]+-")) {
      in.problem("identity.headerPrefix", identityPrefix, "a header-name prefix ending in '-', such as \"X-Auth-\"");
    }
    int maxIdentityBytes = (int) in.number("identity.maxHeaderBytes", 32 * 1024, 1024, 1024 * 1024);
    int adminMaxBody = (int) in.number("admin.maxBodyBytes", 64 * 1024, 1024, 16 * 1024 * 1024);
    long shutdownTimeout = in.number("shutdownTimeoutMillis", 20_000, 0, 600_000);
    String seed = in.string("activities.seedFile", null, false);
    Path seedFile = seed == null || seed.isBlank() ? null : Path.of(seed);
    if (seedFile != null && !Files.isRegularFile(seedFile)) {
      in.problem("activities.seedFile", seed, "an existing activity seed file such as realm-config/activities.json");
    }
    // Safety net under LISTEN/NOTIFY: how often each gateway compares its index version with the database's.
    long pollSeconds = in.number("activities.pollIntervalSeconds", 30, 1, 3_600);

    LoginOptions login = loginRequested ? LoginSettings.read(in, issuer, cookieName) : null;
    ApiTokenOptions apiTokens = apiTokensRequested ? ApiTokenSettings.read(in, issuer, login) : null;
    ServerTlsOptions tls = TlsSettings.read(in, host, login);
    TrustedProxies trustedProxies = TlsSettings.trustedProxies(in);
    PermissionCheckOptions permissionCheck = PermissionCheckSettings.read(in, issuer);

    RevocationOptions revocation = revocation(in);
    AuditOptions audit = AuditSettings.read(in);

    problems.addAll(in.problems());
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new GatewayConfig(host, port, maxHeaderBytes, issuer, jwksUrl, audiences, algorithms, maxTokenBytes,
        cookieName, database, routes, publicRoutes, poolSize, maxWaitQueue, connectTimeout, identityPrefix,
        maxIdentityBytes, adminMaxBody, shutdownTimeout, seedFile, pollSeconds, login, apiTokens, tls,
        trustedProxies, permissionCheck, connectionLimits, revocation, verifiedTokenCacheSize,
        in.flag("metrics.vertxHttp", false), audit);
  }

  /** {@code revocation.*}: live revocation (issue #14). Strict by default: a stale list refuses, it does not serve. */
  private static RevocationOptions revocation(SettingsReader in) {
    RevocationOptions defaults = RevocationOptions.defaults();
    long poll = in.number("revocation.pollIntervalSeconds", defaults.pollInterval().toSeconds(), 1, 3_600);
    long maxStaleness = in.number("revocation.maxStalenessSeconds", defaults.maxStaleness().toSeconds(), 1, 86_400);
    long purge = in.number("revocation.purgeIntervalSeconds", defaults.purgeInterval().toSeconds(), 1, 86_400);
    String whenStale = in.string("revocation.whenStale", "refuse", false);
    RevocationOptions.WhenStale mode = RevocationOptions.WhenStale.REFUSE;
    if ("serve".equals(whenStale)) {
      mode = RevocationOptions.WhenStale.SERVE;
    } else if (!"refuse".equals(whenStale)) {
      in.problem("revocation.whenStale", whenStale, "\"refuse\" (answer 503 while stale) or \"serve\" (keep serving)");
    }
    if (maxStaleness <= poll) {
      in.problem("revocation.maxStalenessSeconds", maxStaleness,
          "more than revocation.pollIntervalSeconds (" + poll + "), or every poll gap would count as stale");
    }
    return new RevocationOptions(Duration.ofSeconds(poll), Duration.ofSeconds(maxStaleness), mode,
        Duration.ofSeconds(purge));
  }

  private static String passwordOf(SettingsReader in) {
    Object value = in.raw("database.password");
    if (value == null) {
      return "";
    }
    if (!(value instanceof String s)) {
      in.problem("database.password", "(hidden)", "a string");
      return "";
    }
    return s;
  }

  private static List<RouteConfig> routes(SettingsReader in) {
    JsonArray array = in.array("routes");
    List<RouteConfig> routes = new ArrayList<>();
    if (array == null || array.isEmpty()) {
      if (array != null || in.raw("routes") == null) {
        in.problem("routes", in.raw("routes"),
            "at least one route {\"prefix\": \"/api\", \"upstream\": \"http://host:port\"} (or GATEHOUSE_ROUTES)");
      }
      return routes;
    }
    Set<String> prefixes = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String key = "routes[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject route)) {
        in.problem(key, array.getValue(i), "an object with \"prefix\" and \"upstream\"");
        continue;
      }
      SettingsReader rin = new SettingsReader(new JsonObject().put(key, route), Map.of());
      String prefix = rin.string(key + ".prefix", null, true);
      String upstream = rin.string(key + ".upstream", null, true);
      long timeout = rin.number(key + ".timeoutMillis", 30_000, 1, 600_000);
      String caFile = rin.string(key + ".caFile", null, false);
      in.problems().addAll(rin.problems());
      if (prefix != null && !ServiceRules.validPrefix(prefix)) {
        in.problem(key + ".prefix", prefix,
            "a normalised path prefix: starts with '/', no trailing '/', no '.' or '..' segments, no '?', '#', '%' or '//'");
      } else if (prefix != null && !prefixes.add(prefix)) {
        in.problem(key + ".prefix", prefix, "a prefix not used by another route");
      }
      URI upstreamUri = upstream == null ? null : upstreamUrl(in, key + ".upstream", upstream);
      Path upstreamCa = null;
      if (upstreamUri != null && "https".equals(upstreamUri.getScheme())) {
        upstreamCa = TlsSettings.upstreamCaFile(in, key + ".caFile", caFile, in.string("upstream.caFile", null, false));
      } else if (caFile != null) {
        in.problem(key + ".caFile", caFile, "no CA bundle on an http upstream (it is only used for https)");
      }
      if (prefix != null && upstreamUri != null) {
        routes.add(new RouteConfig(prefix, upstreamUri, timeout, upstreamCa));
      }
    }
    return routes;
  }

  private static URI httpUrl(SettingsReader in, String key, String value) {
    try {
      URI uri = new URI(value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException ignored) {
      // reported below
    }
    in.problem(key, value, "an absolute http(s) URL such as \"https://sso.example.com/realms/suite\"");
    return null;
  }

  private static URI upstreamUrl(SettingsReader in, String key, String value) {
    URI uri = httpUrl(in, key, value);
    if (uri == null) {
      return null;
    }
    boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
        && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
    if (!bare) {
      in.problem(key, value, "only scheme, host and port (the request path is forwarded unchanged), e.g. \"http://10.0.0.5:8080\"");
      return null;
    }
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
  }

  private static void applyEnvironment(JsonObject json, Map<String, String> env, Map<String, String> envSources,
      List<String> problems) {
    Map<String, String> overrides = new HashMap<>(ENV_KEYS);
    overrides.putAll(LoginSettings.ENV_KEYS);
    overrides.putAll(ApiTokenSettings.ENV_KEYS);
    overrides.putAll(TlsSettings.ENV_KEYS);
    overrides.putAll(AuditSettings.ENV_KEYS);
    overrides.forEach((variable, key) -> {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        put(json, key, value);
        envSources.put(key, variable);
      }
    });
    String dbUrl = env.get("GATEHOUSE_DB_URL");
    if (dbUrl != null && !dbUrl.isBlank()) {
      applyDatabaseUrl(json, dbUrl.trim(), envSources, problems);
    }
    String routes = env.get("GATEHOUSE_ROUTES");
    if (routes != null && !routes.isBlank()) {
      JsonArray array = new JsonArray();
      for (String entry : routes.split(",")) {
        int eq = entry.indexOf('=');
        if (eq <= 0) {
          problems.add("GATEHOUSE_ROUTES: expected comma-separated prefix=upstream pairs such as "
              + "\"/api/v1=http://127.0.0.1:8001\", got \"" + entry.trim() + "\"");
          continue;
        }
        array.add(new JsonObject().put("prefix", entry.substring(0, eq).trim())
            .put("upstream", entry.substring(eq + 1).trim()));
      }
      json.put("routes", array);
      envSources.put("routes", "GATEHOUSE_ROUTES");
    }
  }

  /** Accepts {@code postgresql://user:password@host:port/database}; the explicit GATEHOUSE_DB_* variables win. */
  private static void applyDatabaseUrl(JsonObject json, String url, Map<String, String> envSources,
      List<String> problems) {
    try {
      URI uri = new URI(url.startsWith("jdbc:") ? url.substring(5) : url);
      if (!("postgresql".equals(uri.getScheme()) || "postgres".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new URISyntaxException(url, "not a postgresql URL");
      }
      putIfAbsent(json, envSources, "database.host", uri.getHost());
      if (uri.getPort() != -1) {
        putIfAbsent(json, envSources, "database.port", String.valueOf(uri.getPort()));
      }
      if (uri.getPath() != null && uri.getPath().length() > 1) {
        putIfAbsent(json, envSources, "database.database", uri.getPath().substring(1));
      }
      if (uri.getRawUserInfo() != null) {
        String[] userInfo = uri.getRawUserInfo().split(":", 2);
        putIfAbsent(json, envSources, "database.user", URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8));
        if (userInfo.length == 2) {
          putIfAbsent(json, envSources, "database.password", URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8));
        }
      }
    } catch (URISyntaxException e) {
      problems.add("GATEHOUSE_DB_URL: expected postgresql://user:password@host:port/database, got a value that "
          + "does not parse as one (the value is not shown as it may hold a password)");
    }
  }

  private static void putIfAbsent(JsonObject json, Map<String, String> envSources, String key, String value) {
    if (!envSources.containsKey(key)) {
      put(json, key, value);
      envSources.put(key, "GATEHOUSE_DB_URL");
    }
  }

  private static void put(JsonObject json, String key, String value) {
    String[] parts = key.split("\\.");
    JsonObject node = json;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = node.getValue(parts[i]);
      if (!(child instanceof JsonObject)) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = (JsonObject) child;
    }
    node.put(parts[parts.length - 1], value);
  }

  @Override
  public String toString() {
    return "GatewayConfig[listen=" + listenHost + ":" + listenPort + ", issuer=" + issuer + ", routes=" + routes
        + ", database=" + database + ", login=" + (login == null ? "off" : login.publicBaseUrl())
        + ", apiTokens=" + (apiTokens == null ? "off" : apiTokens.tokenEndpoint()) + ", tls=" + tls.mode().configName()
        + ", trustedProxies=" + trustedProxies + "]";
  }
}
