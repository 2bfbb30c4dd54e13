package dev.gatehouse.gateway.admin;

/** The permission list could not be read (Keycloak unreachable, failing, or refusing the gateway's client). */
public final class PermissionCatalogUnavailableException extends RuntimeException {
  public PermissionCatalogUnavailableException(String message) {
    super(message, null, false, false);
  }
}
