package dev.gatehouse.gateway.login;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything the browser login needs, as one plain options object with fluent setters.
 * Call {@link #validate()} once at start: it lists every problem at once, in words an operator can act on.
 */
public final class LoginOptions {

  public enum ClientAuthMethod { CLIENT_SECRET_BASIC, CLIENT_SECRET_POST }

  public static final int MIN_STATE_SECRET_BYTES = 32;

  private String issuer;
  private String clientId;
  private String clientSecret;
  private String publicBaseUrl;
  private String parentDomain;
  private List<String> allowedOrigins = List.of();
  private Set<Integer> allowedPorts = Set.of();
  private String defaultRedirect;
  private boolean allowInsecureHttp;
  private List<String> stateSecrets = List.of();
  private Duration loginStateTtl = Duration.ofMinutes(10);
  private String refreshCookieSameSite = "Strict";
  private ClientAuthMethod clientAuthMethod = ClientAuthMethod.CLIENT_SECRET_BASIC;
  private String scope = "openid";
  private long httpTimeoutMillis = 5_000;
  private List<String> corsAllowedMethods = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
  private List<String> corsAllowedHeaders = List.of("Authorization", "Content-Type", "X-Requested-With");
  private int corsMaxAgeSeconds = 600;

  /** Realm issuer, e.g. {@code https://sso.example.com/realms/gatehouse}; discovery is read below it. */
  public LoginOptions setIssuer(String issuer) {
    this.issuer = stripTrailingSlash(issuer);
    return this;
  }

  public LoginOptions setClientId(String clientId) {
    this.clientId = clientId;
    return this;
  }

  /** The confidential client's secret; take it from the environment, never from a committed file. */
  public LoginOptions setClientSecret(String clientSecret) {
    this.clientSecret = clientSecret;
    return this;
  }

  /** The gateway's public URL as browsers see it, e.g. {@code https://api.example.com}; no path. */
  public LoginOptions setPublicBaseUrl(String publicBaseUrl) {
    this.publicBaseUrl = stripTrailingSlash(publicBaseUrl);
    return this;
  }

  /** The domain every app shares, e.g. {@code example.com}: the cookie's Domain and the allow-list's root. */
  public LoginOptions setParentDomain(String parentDomain) {
    this.parentDomain = parentDomain == null ? null : parentDomain.toLowerCase(Locale.ROOT);
    return this;
  }

  /** Exact origins ({@code https://partner.example.org[:port]}) outside the parent domain that may receive tokens. */
  public LoginOptions setAllowedOrigins(List<String> allowedOrigins) {
    this.allowedOrigins = List.copyOf(allowedOrigins);
    return this;
  }

  /** Non-default ports accepted on parent-domain hosts (local runs such as {@code :8443}); default ports always are. */
  public LoginOptions setAllowedPorts(Set<Integer> allowedPorts) {
    this.allowedPorts = Set.copyOf(allowedPorts);
    return this;
  }

  /** Where to go after login or logout when the request names no target. Optional. */
  public LoginOptions setDefaultRedirect(String defaultRedirect) {
    this.defaultRedirect = defaultRedirect;
    return this;
  }

  /** Plain-http local runs only: allows http targets and drops the Secure cookie attribute. */
  public LoginOptions setAllowInsecureHttp(boolean allowInsecureHttp) {
    this.allowInsecureHttp = allowInsecureHttp;
    return this;
  }

  /**
   * Secrets shared by every gateway instance that protect the login-state cookie. The first seals new cookies;
   * all are accepted, so rotate by prepending a new secret and dropping the old one after the state lifetime.
   */
  public LoginOptions setStateSecrets(List<String> stateSecrets) {
    this.stateSecrets = List.copyOf(stateSecrets);
    return this;
  }

  public LoginOptions setLoginStateTtl(Duration loginStateTtl) {
    this.loginStateTtl = loginStateTtl;
    return this;
  }

  /** SameSite of the refresh-token cookie: {@code Strict} (default) or {@code Lax}. */
  public LoginOptions setRefreshCookieSameSite(String sameSite) {
    this.refreshCookieSameSite = sameSite;
    return this;
  }

  public LoginOptions setClientAuthMethod(ClientAuthMethod clientAuthMethod) {
    this.clientAuthMethod = clientAuthMethod;
    return this;
  }

  /** Scopes requested at login; must contain {@code openid}. */
  public LoginOptions setScope(String scope) {
    this.scope = scope;
    return this;
  }

  public LoginOptions setHttpTimeoutMillis(long httpTimeoutMillis) {
    this.httpTimeoutMillis = httpTimeoutMillis;
    return this;
  }

  public LoginOptions setCorsAllowedMethods(List<String> methods) {
    this.corsAllowedMethods = List.copyOf(methods);
    return this;
  }

  public LoginOptions setCorsAllowedHeaders(List<String> headers) {
    this.corsAllowedHeaders = List.copyOf(headers);
    return this;
  }

  public LoginOptions setCorsMaxAgeSeconds(int corsMaxAgeSeconds) {
    this.corsMaxAgeSeconds = corsMaxAgeSeconds;
    return this;
  }

  public String issuer() { return issuer; }
  public String clientId() { return clientId; }
  public String clientSecret() { return clientSecret; }
  public String publicBaseUrl() { return publicBaseUrl; }
  public String parentDomain() { return parentDomain; }
  public List<String> allowedOrigins() { return allowedOrigins; }
  public Set<Integer> allowedPorts() { return allowedPorts; }
  public String defaultRedirect() { return defaultRedirect; }
  public boolean allowInsecureHttp() { return allowInsecureHttp; }
  public List<String> stateSecrets() { return stateSecrets; }
  public Duration loginStateTtl() { return loginStateTtl; }
  public String refreshCookieSameSite() { return refreshCookieSameSite; }
  public ClientAuthMethod clientAuthMethod() { return clientAuthMethod; }
  public String scope() { return scope; }
  public long httpTimeoutMillis() { return httpTimeoutMillis; }
  public List<String> corsAllowedMethods() { return corsAllowedMethods; }
  public List<String> corsAllowedHeaders() { return corsAllowedHeaders; }
  public int corsMaxAgeSeconds() { return corsMaxAgeSeconds; }

  /** The redirect URI registered on the Keycloak client. */
  public String callbackUrl() {
    return publicBaseUrl + LoginRoutes.CALLBACK;
  }

  /** The single post-logout redirect URI registered on the Keycloak client. */
  public String logoutDoneUrl() {
    return publicBaseUrl + LoginRoutes.LOGOUT_DONE;
  }

  /** Throws {@link IllegalArgumentException} naming every problem; returns this when the options are usable. */
  public LoginOptions validate() {
    List<String> problems = new ArrayList<>();
    checkIssuer(problems);
    if (blank(clientId)) {
      problems.add("login.clientId is missing: set it to the confidential Keycloak client the gateway logs in with");
    }
    if (blank(clientSecret)) {
      problems.add("login.clientSecret is missing: pass the Keycloak client's secret through the environment");
    }
    checkParentDomain(problems);
    checkPublicBaseUrl(problems);
    checkAllowedOrigins(problems);
    for (Integer port : allowedPorts) {
      if (port == null || port < 1 || port > 65535) {
        problems.add("login.allowedPorts contains " + port + ": a port must be between 1 and 65535");
      }
    }
    checkStateSecrets(problems);
    if (loginStateTtl == null || loginStateTtl.compareTo(Duration.ofMinutes(1)) < 0
        || loginStateTtl.compareTo(Duration.ofMinutes(30)) > 0) {
      problems.add("login.stateTtl is " + loginStateTtl + ": keep it between 1 and 30 minutes (default 10)");
    }
    if (!"Strict".equals(refreshCookieSameSite) && !"Lax".equals(refreshCookieSameSite)) {
      problems.add("login.refreshCookieSameSite is '" + refreshCookieSameSite + "': use Strict or Lax");
    }
    if (scope == null || !List.of(scope.split(" ")).contains("openid")) {
      problems.add("login.scope is '" + scope + "': it must contain 'openid' (space separated)");
    }
    if (httpTimeoutMillis <= 0) {
      problems.add("login.httpTimeoutMillis must be positive");
    }
    if (corsMaxAgeSeconds < 0) {
      problems.add("login.corsMaxAgeSeconds must not be negative");
    }
    if (problems.isEmpty() && defaultRedirect != null) {
      RedirectTargets.Decision decision = new RedirectTargets(this).check(defaultRedirect);
      if (decision instanceof RedirectTargets.Refused refused) {
        problems.add("login.defaultRedirect '" + defaultRedirect + "' is not an allowed target: " + refused.message());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid login configuration:\n  - " + String.join("\n  - ", problems));
    }
    return this;
  }

  private void checkIssuer(List<String> problems) {
    URI uri = parseAbsolute(issuer);
    if (uri == null) {
      problems.add("login.issuer '" + issuer + "' is not an absolute URL: use e.g. https://sso.example.com/realms/gatehouse");
    } else if (!"https".equals(uri.getScheme()) && !(allowInsecureHttp && "http".equals(uri.getScheme()))) {
      problems.add("login.issuer must use https (http only with login.allowInsecureHttp for local runs)");
    }
  }

  private void checkParentDomain(List<String> problems) {
    if (blank(parentDomain) || !parentDomain.matches("[a-z0-9-]+(\\.[a-z0-9-]+)+")) {
      problems.add("login.parentDomain '" + parentDomain
          + "' must be a plain DNS name with at least one dot, e.g. example.com (no scheme, no port, no leading dot)");
    }
  }

  private void checkPublicBaseUrl(List<String> problems) {
    URI uri = parseAbsolute(publicBaseUrl);
    if (uri == null || uri.getHost() == null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      problems.add("login.publicBaseUrl '" + publicBaseUrl + "' must be an origin such as https://api.example.com (no path)");
      return;
    }
    if ("http".equals(uri.getScheme()) && !allowInsecureHttp) {
      problems.add("login.publicBaseUrl uses http: browsers drop Secure cookies there. Use https, or set "
          + "login.allowInsecureHttp for a local run");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (parentDomain != null && !RedirectTargets.isWithinDomain(host, parentDomain)) {
      problems.add("login.publicBaseUrl host '" + host + "' is outside login.parentDomain '" + parentDomain
          + "': browsers would refuse the gateway's Domain=" + parentDomain + " cookie");
    }
  }

  private void checkAllowedOrigins(List<String> problems) {
    for (String origin : allowedOrigins) {
      URI uri = parseAbsolute(origin);
      boolean originShaped = uri != null && uri.getHost() != null && uri.getRawUserInfo() == null
          && (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
          && uri.getRawFragment() == null && origin.equals(origin.toLowerCase(Locale.ROOT));
      if (!originShaped) {
        problems.add("login.allowedOrigins entry '" + origin
            + "' must be an exact lower-case origin like https://partner.example.org or https://partner.example.org:8443");
      } else if (!"https".equals(uri.getScheme()) && !(allowInsecureHttp && "http".equals(uri.getScheme()))) {
        problems.add("login.allowedOrigins entry '" + origin + "' must use https");
      }
    }
  }

  private void checkStateSecrets(List<String> problems) {
    if (stateSecrets.isEmpty()) {
      problems.add("login.stateSecrets is empty: set at least one random secret of " + MIN_STATE_SECRET_BYTES
          + "+ bytes, the same on every gateway instance (e.g. openssl rand -base64 48)");
    }
    for (int i = 0; i < stateSecrets.size(); i++) {
      String secret = stateSecrets.get(i);
      if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_STATE_SECRET_BYTES) {
        problems.add("login.stateSecrets[" + i + "] is shorter than " + MIN_STATE_SECRET_BYTES
            + " bytes: use a longer random secret");
      }
    }
  }

  private static URI parseAbsolute(String value) {
    if (blank(value)) {
      return null;
    }
    try {
      URI uri = new URI(value);
      return uri.isAbsolute() && !uri.isOpaque() ? uri : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static String stripTrailingSlash(String value) {
    return value != null && value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }
}
