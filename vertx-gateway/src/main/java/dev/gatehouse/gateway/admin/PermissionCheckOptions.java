package dev.gatehouse.gateway.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * How the admin API asks Keycloak which permissions exist: with the client-credentials grant of a confidential client
 * whose service account holds the realm role {@code gatehouse-permission-reader}, it reads the client roles of the
 * permissions client from the extension pack's {@code /realms/{realm}/gatehouse-permissions}.
 */
public final class PermissionCheckOptions {
  private String keycloakUrl;
  private String realm;
  private String clientId = "gateway";
  private String clientSecret;
  private String permissionsClient = "gatehouse-permissions";
  private long httpTimeoutMillis = 5_000;

  /** Keycloak's base URL as the gateway reaches it, without {@code /realms/...}, e.g. {@code http://keycloak:8080}. */
  public String keycloakUrl() {
    return keycloakUrl;
  }

  public PermissionCheckOptions setKeycloakUrl(String keycloakUrl) {
    this.keycloakUrl = keycloakUrl;
    return this;
  }

  public String realm() {
    return realm;
  }

  public PermissionCheckOptions setRealm(String realm) {
    this.realm = realm;
    return this;
  }

  public String clientId() {
    return clientId;
  }

  public PermissionCheckOptions setClientId(String clientId) {
    this.clientId = clientId;
    return this;
  }

  /** Null when none is configured: every check then fails (closed) with a message saying what to set. */
  public String clientSecret() {
    return clientSecret;
  }

  public PermissionCheckOptions setClientSecret(String clientSecret) {
    this.clientSecret = clientSecret;
    return this;
  }

  public String permissionsClient() {
    return permissionsClient;
  }

  public PermissionCheckOptions setPermissionsClient(String permissionsClient) {
    this.permissionsClient = permissionsClient;
    return this;
  }

  public long httpTimeoutMillis() {
    return httpTimeoutMillis;
  }

  public PermissionCheckOptions setHttpTimeoutMillis(long httpTimeoutMillis) {
    this.httpTimeoutMillis = httpTimeoutMillis;
    return this;
  }

  /**
   * What is missing for a check to be possible, or null when nothing is: without it every check fails closed with
   * this text.
   */
  public String missingSetting() {
    if (keycloakUrl == null || realm == null) {
      return "Keycloak's address is unknown (set admin.permissionCheck.keycloakUrl and realm, or use a Keycloak"
          + " issuer such as https://sso.example.com/realms/gatehouse in token.issuer)";
    }
    if (clientSecret == null) {
      return "the gateway has no secret for Keycloak client '" + clientId + "' (set admin.permissionCheck.clientSecret,"
          + " or the login's or API tokens' secret of the same client, e.g. GATEHOUSE_GATEWAY_CLIENT_SECRET)";
    }
    return null;
  }

  public String tokenEndpoint() {
    return keycloakUrl + "/realms/" + realm + "/protocol/openid-connect/token";
  }

  /** The extension pack's read-only list of permissions (keycloak-providers, {@code PermissionCatalogResource}). */
  public String permissionsUrl() {
    return keycloakUrl + "/realms/" + realm + "/gatehouse-permissions";
  }

  /** Returns this, or throws listing every problem (one per line, each starting with "- "). */
  public PermissionCheckOptions validate() {
    List<String> problems = new ArrayList<>();
    if (keycloakUrl != null && (!keycloakUrl.matches("https?://[^/?#\\s]+(/[^?#\\s]*)?") || keycloakUrl.endsWith("/"))) {
      problems.add("admin.permissionCheck.keycloakUrl: expected Keycloak's base URL without a trailing '/', such as"
          + " \"http://keycloak:8080\" (by default the part of token.issuer before /realms/)");
    }
    if (realm != null && !realm.matches("[^/?#\\s]+")) {
      problems.add("admin.permissionCheck.realm: expected the realm name, such as \"gatehouse\" (by default the"
          + " name after /realms/ in token.issuer)");
    }
    if (clientId == null || clientId.isBlank()) {
      problems.add("admin.permissionCheck.clientId: expected a confidential client with a service account holding the"
          + " realm role gatehouse-permission-reader");
    }
    if (permissionsClient == null || permissionsClient.isBlank()) {
      problems.add("admin.permissionCheck.permissionsClient: expected the clientId of the permissions client");
    }
    if (httpTimeoutMillis < 1) {
      problems.add("admin.permissionCheck.httpTimeoutMillis: expected at least 1");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid permission check options:\n- " + String.join("\n- ", problems));
    }
    return this;
  }
}
