package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.apitoken.ApiTokenOptions;
import dev.gatehouse.gateway.audit.AuditOptions;
import dev.gatehouse.gateway.login.LoginOptions;
import dev.gatehouse.gateway.revocation.RevocationOptions;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the gateway needs to know at start, loaded once from a JSON file plus environment overrides, validated
 * as a whole, and held as one typed section per component: each component receives its section and nothing else.
 * See {@code gateway.example.json} for the file layout and the README for every key.
 *
 * @param login     null when the browser login is off
 * @param apiTokens null when API tokens are off
 */
public record GatewayConfig(
    ServerSettings server,
    TokenSettings token,
    ProxySettings proxy,
    DatabaseConfig database,
    ActivitySettings activities,
    AdminSettings admin,
    LoginOptions login,
    ApiTokenOptions apiTokens,
    RevocationOptions revocation,
    AuditOptions audit) {

  /** Whether {@code Authorization: Bearer gatehouse_pat_...} API tokens are resolved; {@link #apiTokens()} is null otherwise. */
  public boolean apiTokensEnabled() {
    return apiTokens != null;
  }

  /** Whether the browser login ({@code /auth/*}) is mounted; {@link #login()} is null otherwise. */
  public boolean loginEnabled() {
    return login != null;
  }

  public static final String CONFIG_ENV = "GATEHOUSE_GATEWAY_CONFIG";

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
    // Read in dependency order: the login defaults from the token section, TLS (in the server section) depends on
    // whether the login is on, and the proxy repeats the server's header limit and the token's cookie name.
    TokenSettings token = TokenSettings.read(in);
    LoginOptions login = loginRequested ? LoginSettings.read(in, token.issuer(), token.cookieName()) : null;
    ApiTokenOptions apiTokens = apiTokensRequested ? ApiTokenSettings.read(in, token.issuer(), login) : null;
    ServerSettings server = ServerSettings.read(in, login);
    token.checkFitsIn(in, server.maxHeaderBytes());
    DatabaseConfig database = DatabaseConfig.read(in);
    ProxySettings proxy = ProxySettings.read(in, server.maxHeaderBytes(), token.cookieName());
    ActivitySettings activities = ActivitySettings.read(in);
    AdminSettings admin = AdminSettings.read(in, token.issuer());
    RevocationOptions revocation = RevocationSettings.read(in);
    AuditOptions audit = AuditSettings.read(in);

    problems.addAll(in.problems());
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new GatewayConfig(server, token, proxy, database, activities, admin, login, apiTokens, revocation, audit);
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
    return "GatewayConfig[listen=" + server.host() + ":" + server.port() + ", issuer=" + token.issuer() + ", routes="
        + proxy.routes() + ", database=" + database + ", login=" + (login == null ? "off" : login.publicBaseUrl())
        + ", apiTokens=" + (apiTokens == null ? "off" : apiTokens.tokenEndpoint()) + ", tls="
        + server.tls().mode().configName() + ", trustedProxies=" + proxy.trustedProxies() + "]";
  }
}
