package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.admin.PermissionCheckOptions;

/**
 * The {@code admin} section: the largest request body the admin API reads ({@code maxBodyBytes}) and how it asks
 * Keycloak which permissions exist ({@code permissionCheck}, see {@link PermissionCheckSettings}).
 */
public record AdminSettings(int maxBodyBytes, PermissionCheckOptions permissionCheck) {

  /** {@code tokenIssuer} gives the permission check's default Keycloak URL and realm. */
  static AdminSettings read(SettingsReader in, String tokenIssuer) {
    int maxBodyBytes = (int) in.number("admin.maxBodyBytes", 64 * 1024, 1024, 16 * 1024 * 1024);
    return new AdminSettings(maxBodyBytes, PermissionCheckSettings.read(in, tokenIssuer));
  }
}
