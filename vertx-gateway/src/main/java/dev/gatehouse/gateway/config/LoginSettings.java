package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.login.LoginOptions;
import dev.gatehouse.gateway.login.SessionCookies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the optional {@code login} section into {@link LoginOptions}. Login is on when the file has a {@code login}
 * object (unless it says {@code "enabled": false}) or {@value #ENABLED_ENV} is {@code true}; otherwise the gateway
 * mounts no {@code /auth/*} routes. The two secrets belong in the environment, never in a committed file.
 */
final class LoginSettings {
  static final String ENABLED_ENV = "GATEHOUSE_LOGIN_ENABLED";
  static final String CLIENT_SECRET_ENV = "GATEHOUSE_GATEWAY_CLIENT_SECRET";
  static final String STATE_SECRETS_ENV = "GATEHOUSE_LOGIN_STATE_SECRETS";

  /** Environment variable → the login key it overrides (applied with the other overrides). */
  static final Map<String, String> ENV_KEYS = Map.of(
      CLIENT_SECRET_ENV, "login.clientSecret",
      STATE_SECRETS_ENV, "login.stateSecrets",
      "GATEHOUSE_GATEWAY_PUBLIC_URL", "login.publicBaseUrl",
      "GATEHOUSE_PARENT_DOMAIN", "login.parentDomain");

  private LoginSettings() {}

  /** Whether login was asked for, judged on the file before the environment overrides filled in a section. */
  static boolean requested(Object fileSection, Map<String, String> env) {
    return fileSection instanceof JsonObject || "true".equalsIgnoreCase(env.get(ENABLED_ENV));
  }

  /** The validated options, or null when login is off or has problems (recorded on {@code in}). */
  static LoginOptions read(SettingsReader in, String tokenIssuer, String cookieName) {
    if (!in.flag("login.enabled", true)) {
      return null;
    }
    String authMethod = in.string("login.clientAuthMethod", "client_secret_basic", false);
    LoginOptions.ClientAuthMethod method = null;
    try {
      method = LoginOptions.ClientAuthMethod.valueOf(authMethod.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      in.problem("login.clientAuthMethod", authMethod, "client_secret_basic or client_secret_post");
    }
    if (cookieName != null && !SessionCookies.ACCESS_TOKEN.equals(cookieName)) {
      in.problem("token.cookieName", cookieName, "\"" + SessionCookies.ACCESS_TOKEN
          + "\" when login is on: the login sets that cookie, so the gateway must read the same one");
    }
    int problemsBefore = in.problems().size();
    LoginOptions options = new LoginOptions()
        .setIssuer(in.string("login.issuer", tokenIssuer, true))
        .setClientId(in.string("login.clientId", "gateway", false))
        .setClientSecret(secret(in))
        .setPublicBaseUrl(in.string("login.publicBaseUrl", null, true))
        .setParentDomain(in.string("login.parentDomain", null, true))
        .setAllowedOrigins(in.strings("login.allowedOrigins", List.of()))
        .setAllowedPorts(ports(in))
        .setDefaultRedirect(in.string("login.defaultRedirect", null, false))
        .setAllowInsecureHttp(in.flag("login.allowInsecureHttp", false))
        .setStateSecrets(in.strings("login.stateSecrets", List.of()))
        .setLoginStateTtl(Duration.ofMinutes(in.number("login.stateTtlMinutes", 10, 1, 30)))
        .setRefreshCookieSameSite(capitalised(in.string("login.refreshCookieSameSite", "Strict", false)))
        .setClientAuthMethod(method == null ? LoginOptions.ClientAuthMethod.CLIENT_SECRET_BASIC : method)
        .setScope(in.string("login.scope", "openid", false))
        .setHttpTimeoutMillis(in.number("login.httpTimeoutMillis", 5_000, 100, 120_000))
        .setCorsAllowedMethods(in.strings("login.corsAllowedMethods",
            List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")))
        .setCorsAllowedHeaders(in.strings("login.corsAllowedHeaders",
            List.of("Authorization", "Content-Type", "X-Requested-With")))
        .setCorsMaxAgeSeconds((int) in.number("login.corsMaxAgeSeconds", 600, 0, 86_400));
    if (in.problems().size() > problemsBefore) {
      return null;
    }
    try {
      return options.validate();
    } catch (IllegalArgumentException e) {
      for (String line : e.getMessage().split("\n")) {
        String problem = line.strip();
        if (problem.startsWith("- ")) {
          in.problems().add(withEnvironmentHint(problem.substring(2)));
        }
      }
      return null;
    }
  }

  /** Unlike other keys, a secret's value is never echoed in a problem. */
  private static String secret(SettingsReader in) {
    Object value = in.raw("login.clientSecret");
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      in.problem("login.clientSecret", "(hidden)", "a string, best from " + CLIENT_SECRET_ENV);
      return null;
    }
    return s.trim();
  }

  private static String capitalised(String sameSite) {
    return sameSite == null || sameSite.isEmpty() ? sameSite
        : sameSite.substring(0, 1).toUpperCase(Locale.ROOT) + sameSite.substring(1).toLowerCase(Locale.ROOT);
  }

  private static String withEnvironmentHint(String problem) {
    if (problem.startsWith("login.clientSecret")) {
      return problem + " (" + CLIENT_SECRET_ENV + ")";
    }
    if (problem.startsWith("login.stateSecrets")) {
      return problem + " (" + STATE_SECRETS_ENV + ", comma-separated)";
    }
    return problem;
  }

  /** Ports as JSON numbers ({@code [8443]}) or, from the environment, a comma-separated string. */
  private static Set<Integer> ports(SettingsReader in) {
    Object raw = in.raw("login.allowedPorts");
    List<?> items = raw == null ? List.of()
        : raw instanceof JsonArray array ? array.getList()
        : raw instanceof String text ? List.of(text.split(","))
        : null;
    Set<Integer> ports = new LinkedHashSet<>();
    if (items == null) {
      in.problem("login.allowedPorts", raw, "a list of port numbers such as [8443]");
      return ports;
    }
    for (Object item : items) {
      if (item instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
        ports.add(n.intValue());
      } else if (item instanceof String s && s.trim().matches("\\d{1,5}")) {
        ports.add(Integer.parseInt(s.trim()));
      } else {
        in.problem("login.allowedPorts", item, "port numbers such as [8443]");
      }
    }
    return ports;
  }
}
