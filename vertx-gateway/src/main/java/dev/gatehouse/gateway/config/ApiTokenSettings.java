package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.apitoken.ApiTokenOptions;
import dev.gatehouse.gateway.login.LoginOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;

/**
 * Reads the optional {@code apiTokens} section into {@link ApiTokenOptions}. API tokens are accepted when the file
 * has an {@code apiTokens} object (unless it says {@code "enabled": false}); otherwise a {@code gatehouse_pat_}
 * token is just an unreadable access token (401). The client secret belongs in the environment; when it is not
 * set and the browser login uses the same client, the login's secret is used.
 */
final class ApiTokenSettings {
  static final String CLIENT_SECRET_ENV = "GATEHOUSE_API_TOKEN_CLIENT_SECRET";

  static final Map<String, String> ENV_KEYS = Map.of(CLIENT_SECRET_ENV, "apiTokens.clientSecret");

  private ApiTokenSettings() {}

  /** Judged on the file before the environment overrides filled in a section. */
  static boolean requested(Object fileSection) {
    return fileSection instanceof JsonObject;
  }

  /** The validated options, or null when API tokens are off or have problems (recorded on {@code in}). */
  static ApiTokenOptions read(SettingsReader in, String tokenIssuer, LoginOptions login) {
    if (!in.flag("apiTokens.enabled", true)) {
      return null;
    }
    int problemsBefore = in.problems().size();
    String clientId = in.string("apiTokens.clientId", "gateway", false);
    String endpoint = in.string("apiTokens.tokenEndpoint",
        tokenIssuer == null ? null : tokenIssuer + "/protocol/openid-connect/token", false);
    if (endpoint != null && !endpoint.matches("https?://[^/?#\\s]+(/\\S*)?")) {
      in.problem("apiTokens.tokenEndpoint", endpoint, "an http(s) URL such as "
          + "\"http://keycloak:8080/realms/gatehouse/protocol/openid-connect/token\"");
    }
    String secret = secret(in, clientId, login);
    ApiTokenOptions options = new ApiTokenOptions()
        .setTokenEndpoint(endpoint)
        .setClientId(clientId)
        .setClientSecret(secret)
        .setMaxCache(Duration.ofSeconds(in.number("apiTokens.maxCacheSeconds",
            ApiTokenOptions.MAX_CACHE_LIMIT.toSeconds(), 1, ApiTokenOptions.MAX_CACHE_LIMIT.toSeconds())))
        .setRefusalCache(Duration.ofSeconds(in.number("apiTokens.refusalCacheSeconds", 10, 0, 300)))
        .setMissesPerSecond(in.number("apiTokens.missesPerSecond", 5, 1, 10_000))
        .setMissBurst((int) in.number("apiTokens.missBurst", 20, 1, 100_000))
        .setCacheSize((int) in.number("apiTokens.cacheSize", 10_000, 1, 10_000_000))
        .setHttpTimeoutMillis(in.number("apiTokens.httpTimeoutMillis", 5_000, 100, 120_000));
    if (secret == null) {
      in.problems().add(in.describe("apiTokens.clientSecret") + ": expected the secret of the '" + clientId
          + "' client (set " + CLIENT_SECRET_ENV + ")");
    }
    return in.problems().size() > problemsBefore ? null : options.validate();
  }

  /** Never echoed in a problem. */
  private static String secret(SettingsReader in, String clientId, LoginOptions login) {
    Object value = in.raw("apiTokens.clientSecret");
    if (value == null) {
      return login != null && login.clientId().equals(clientId) ? login.clientSecret() : null;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      in.problem("apiTokens.clientSecret", "(hidden)", "a non-empty string, best from " + CLIENT_SECRET_ENV);
      return null;
    }
    return s.trim();
  }
}
