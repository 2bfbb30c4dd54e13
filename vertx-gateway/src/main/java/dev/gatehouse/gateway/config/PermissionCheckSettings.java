package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.admin.PermissionCheckOptions;

/**
 * Reads {@code admin.permissionCheck}: how the admin API asks Keycloak which permissions exist. Everything defaults
 * from the rest of the configuration (Keycloak's URL and the realm from {@code token.issuer}, the {@code gateway}
 * client and its secret from the login or API-token settings), so a usual deployment sets nothing, or only
 * {@code keycloakUrl} when the gateway reaches Keycloak by another address than the issuer's.
 */
final class PermissionCheckSettings {
  private static final String PREFIX = "admin.permissionCheck.";

  private PermissionCheckSettings() {}

  /** The options, or null when they have problems (recorded on {@code in}). A missing secret is not a problem here. */
  static PermissionCheckOptions read(SettingsReader in, String tokenIssuer) {
    int problemsBefore = in.problems().size();
    String issuerBase = null;
    String issuerRealm = null;
    int realms = tokenIssuer == null ? -1 : tokenIssuer.lastIndexOf("/realms/");
    if (realms > 0) {
      issuerBase = tokenIssuer.substring(0, realms);
      issuerRealm = tokenIssuer.substring(realms + "/realms/".length());
    }
    String clientId = in.string(PREFIX + "clientId", "gateway", false);
    PermissionCheckOptions options = new PermissionCheckOptions()
        .setKeycloakUrl(in.string(PREFIX + "keycloakUrl", issuerBase, false))
        .setRealm(in.string(PREFIX + "realm", issuerRealm, false))
        .setClientId(clientId)
        .setClientSecret(secret(in, clientId))
        .setPermissionsClient(in.string(PREFIX + "permissionsClient", "gatehouse-permissions", false))
        .setHttpTimeoutMillis(in.number(PREFIX + "httpTimeoutMillis", 5_000, 100, 120_000));
    if (in.problems().size() > problemsBefore) {
      return null;
    }
    try {
      return options.validate();
    } catch (IllegalArgumentException e) {
      for (String line : e.getMessage().split("\n")) {
        if (line.startsWith("- ")) {
          in.problems().add(line.substring(2));
        }
      }
      return null;
    }
  }

  /**
   * Its own key, else the secret the login or the API tokens have for the same client (the one Keycloak client
   * serves all three). Null when there is none: the check then fails closed. Never echoed in a problem.
   */
  private static String secret(SettingsReader in, String clientId) {
    Object own = in.raw(PREFIX + "clientSecret");
    if (own != null) {
      if (!(own instanceof String s) || s.isBlank()) {
        in.problem(PREFIX + "clientSecret", "(hidden)", "a non-empty string");
        return null;
      }
      return s.strip();
    }
    for (String section : new String[] {"login", "apiTokens"}) {
      Object sectionClient = in.raw(section + ".clientId");
      Object secret = in.raw(section + ".clientSecret");
      if (clientId.equals(sectionClient == null ? "gateway" : sectionClient) && secret instanceof String s
          && !s.isBlank()) {
        return s.strip();
      }
    }
    return null;
  }
}
