package dev.gatehouse.gateway.token;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Everything token verification needs to know about the one issuer it trusts. Fluent setters, strict defaults;
 * call {@link #validate()} (the verifier and key source do) to get every problem in one message.
 *
 * <p>Audience: with neither {@link #setAudiences audiences} nor {@link #setAuthorizedParties authorized parties}
 * configured, any access token the realm issues to any of its clients is accepted. That is simple, and right when
 * every client of the realm may call every service behind the gateway; configure one or both to narrow it. When both
 * are set, a token must satisfy both.
 */
public final class TokenVerifierOptions {

  public static final String KEYCLOAK_CERTS_PATH = "/protocol/openid-connect/certs";

  private String issuer;
  private String jwksUrl;
  private Set<SignatureAlgorithm> allowedAlgorithms = EnumSet.of(SignatureAlgorithm.RS256);
  private Set<String> audiences = Set.of();
  private Set<String> authorizedParties = Set.of();
  private int maxTokenBytes = 16 * 1024;
  private Duration clockSkew = Duration.ofSeconds(10);
  private Duration refreshInterval = Duration.ofMinutes(5);
  private Duration unknownKidCooldown = Duration.ofSeconds(30);
  private Duration fetchTimeout = Duration.ofSeconds(5);
  private Duration initialRetryDelay = Duration.ofSeconds(1);
  private Duration maxRetryDelay = Duration.ofSeconds(60);
  private int maxJwksBytes = 1024 * 1024;
  private int cacheSize = 10_000;
  private String permissionsClaim = "permissions";
  private String rolesClaim = "roles";

  /** The exact {@code iss} of the realm, e.g. {@code https://sso.example.com/realms/gatehouse}. Required. */
  public String getIssuer() {
    return issuer;
  }

  public TokenVerifierOptions setIssuer(String issuer) {
    this.issuer = issuer;
    return this;
  }

  /** Defaults to Keycloak's certs endpoint under the issuer. */
  public String getJwksUrl() {
    if (jwksUrl != null) {
      return jwksUrl;
    }
    return issuer == null ? null : stripTrailingSlash(issuer) + KEYCLOAK_CERTS_PATH;
  }

  /** Set it when the gateway reaches Keycloak by another address than the public issuer URL. */
  public TokenVerifierOptions setJwksUrl(String jwksUrl) {
    this.jwksUrl = jwksUrl;
    return this;
  }

  public Set<SignatureAlgorithm> getAllowedAlgorithms() {
    return allowedAlgorithms;
  }

  public TokenVerifierOptions setAllowedAlgorithms(Set<SignatureAlgorithm> allowedAlgorithms) {
    this.allowedAlgorithms = allowedAlgorithms.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(allowedAlgorithms));
    return this;
  }

  /** Accept a token when its {@code aud} (string or array) contains any of these. Empty: no audience check. */
  public Set<String> getAudiences() {
    return audiences;
  }

  public TokenVerifierOptions setAudiences(Set<String> audiences) {
    this.audiences = Set.copyOf(audiences);
    return this;
  }

  /** Accept a token only when its {@code azp} (the client it was issued to) is one of these. Empty: no check. */
  public Set<String> getAuthorizedParties() {
    return authorizedParties;
  }

  public TokenVerifierOptions setAuthorizedParties(Set<String> authorizedParties) {
    this.authorizedParties = Set.copyOf(authorizedParties);
    return this;
  }

  /** Longer tokens are refused before any parsing. Keep it at or below the HTTP header limit. */
  public int getMaxTokenBytes() {
    return maxTokenBytes;
  }

  public TokenVerifierOptions setMaxTokenBytes(int maxTokenBytes) {
    this.maxTokenBytes = maxTokenBytes;
    return this;
  }

  /** Tolerance for clock differences with Keycloak on {@code exp}, {@code nbf} and {@code iat}. */
  public Duration getClockSkew() {
    return clockSkew;
  }

  public TokenVerifierOptions setClockSkew(Duration clockSkew) {
    this.clockSkew = clockSkew;
    return this;
  }

  /** How often the JWKS is fetched again. Keycloak answers {@code Cache-Control: no-cache}, so this is the only timer. */
  public Duration getRefreshInterval() {
    return refreshInterval;
  }

  public TokenVerifierOptions setRefreshInterval(Duration refreshInterval) {
    this.refreshInterval = refreshInterval;
    return this;
  }

  /** A token with an unknown {@code kid} triggers at most one JWKS fetch per this period. */
  public Duration getUnknownKidCooldown() {
    return unknownKidCooldown;
  }

  public TokenVerifierOptions setUnknownKidCooldown(Duration unknownKidCooldown) {
    this.unknownKidCooldown = unknownKidCooldown;
    return this;
  }

  /** Upper bound on one JWKS fetch, connection included. */
  public Duration getFetchTimeout() {
    return fetchTimeout;
  }

  public TokenVerifierOptions setFetchTimeout(Duration fetchTimeout) {
    this.fetchTimeout = fetchTimeout;
    return this;
  }

  /** After a failed fetch the next try comes after this delay, doubling up to {@link #getMaxRetryDelay()}. */
  public Duration getInitialRetryDelay() {
    return initialRetryDelay;
  }

  public TokenVerifierOptions setInitialRetryDelay(Duration initialRetryDelay) {
    this.initialRetryDelay = initialRetryDelay;
    return this;
  }

  public Duration getMaxRetryDelay() {
    return maxRetryDelay;
  }

  public TokenVerifierOptions setMaxRetryDelay(Duration maxRetryDelay) {
    this.maxRetryDelay = maxRetryDelay;
    return this;
  }

  public int getMaxJwksBytes() {
    return maxJwksBytes;
  }

  public TokenVerifierOptions setMaxJwksBytes(int maxJwksBytes) {
    this.maxJwksBytes = maxJwksBytes;
    return this;
  }

  /** How many verified tokens are remembered (each until its {@code exp}). 0 turns the cache off. */
  public int getCacheSize() {
    return cacheSize;
  }

  public TokenVerifierOptions setCacheSize(int cacheSize) {
    this.cacheSize = cacheSize;
    return this;
  }

  /** The claim holding the permission names. A dotted name (e.g. {@code realm_access.roles}) reads a nested claim. */
  public String getPermissionsClaim() {
    return permissionsClaim;
  }

  public TokenVerifierOptions setPermissionsClaim(String permissionsClaim) {
    this.permissionsClaim = permissionsClaim;
    return this;
  }

  /** The claim holding role names; dotted names read nested claims, as for {@link #getPermissionsClaim()}. */
  public String getRolesClaim() {
    return rolesClaim;
  }

  public TokenVerifierOptions setRolesClaim(String rolesClaim) {
    this.rolesClaim = rolesClaim;
    return this;
  }

  /** Throws {@link IllegalArgumentException} listing every problem, or returns this when all is well. */
  public TokenVerifierOptions validate() {
    List<String> problems = new ArrayList<>();
    if (issuer == null || issuer.isBlank()) {
      problems.add("issuer is required: the realm's exact 'iss', e.g. https://sso.example.com/realms/gatehouse");
    }
    String url = getJwksUrl();
    if (url != null && !isHttpUrl(url)) {
      problems.add("jwksUrl '" + url + "' is not an absolute http(s) URL");
    }
    if (allowedAlgorithms.isEmpty()) {
      problems.add("allowedAlgorithms is empty: allow at least RS256 (Keycloak's default)");
    }
    if (audiences.stream().anyMatch(a -> a == null || a.isBlank())) {
      problems.add("audiences contains a blank entry");
    }
    if (authorizedParties.stream().anyMatch(a -> a == null || a.isBlank())) {
      problems.add("authorizedParties contains a blank entry");
    }
    if (maxTokenBytes < 256) {
      problems.add("maxTokenBytes is " + maxTokenBytes + "; a Keycloak token needs at least 256, usually a few KiB");
    }
    requireNonNegative(problems, "clockSkew", clockSkew);
    if (clockSkew != null && clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
      problems.add("clockSkew " + clockSkew + " is over 5 minutes; fix the clocks (NTP) instead");
    }
    requirePositive(problems, "refreshInterval", refreshInterval);
    requireNonNegative(problems, "unknownKidCooldown", unknownKidCooldown);
    requirePositive(problems, "fetchTimeout", fetchTimeout);
    requirePositive(problems, "initialRetryDelay", initialRetryDelay);
    requirePositive(problems, "maxRetryDelay", maxRetryDelay);
    if (maxJwksBytes < 1024) {
      problems.add("maxJwksBytes is " + maxJwksBytes + "; allow at least 1024");
    }
    if (cacheSize < 0) {
      problems.add("cacheSize is negative; use 0 to turn the cache off");
    }
    for (String[] claim : new String[][] {{"permissionsClaim", permissionsClaim}, {"rolesClaim", rolesClaim}}) {
      if (claim[1] == null || claim[1].isBlank() || claim[1].startsWith(".") || claim[1].endsWith(".")) {
        problems.add(claim[0] + " '" + claim[1] + "' is not a claim name");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid token verification settings: " + String.join("; ", problems));
    }
    return this;
  }

  private static void requirePositive(List<String> problems, String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      problems.add(name + " must be a positive duration, was " + value);
    }
  }

  private static void requireNonNegative(List<String> problems, String name, Duration value) {
    if (value == null || value.isNegative()) {
      problems.add(name + " must be zero or positive, was " + value);
    }
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = URI.create(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String stripTrailingSlash(String value) {
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  /** A copy, so a running verifier never sees later edits. */
  public TokenVerifierOptions copy() {
    TokenVerifierOptions copy = new TokenVerifierOptions();
    copy.issuer = issuer;
    copy.jwksUrl = jwksUrl;
    copy.allowedAlgorithms = allowedAlgorithms;
    copy.audiences = audiences;
    copy.authorizedParties = authorizedParties;
    copy.maxTokenBytes = maxTokenBytes;
    copy.clockSkew = clockSkew;
    copy.refreshInterval = refreshInterval;
    copy.unknownKidCooldown = unknownKidCooldown;
    copy.fetchTimeout = fetchTimeout;
    copy.initialRetryDelay = initialRetryDelay;
    copy.maxRetryDelay = maxRetryDelay;
    copy.maxJwksBytes = maxJwksBytes;
    copy.cacheSize = cacheSize;
    copy.permissionsClaim = permissionsClaim;
    copy.rolesClaim = rolesClaim;
    return copy;
  }
}
