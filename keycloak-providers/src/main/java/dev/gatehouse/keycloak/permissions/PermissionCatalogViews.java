package dev.gatehouse.keycloak.permissions;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** JSON bodies of {@link PermissionCatalogResource}. */
final class PermissionCatalogViews {
  private PermissionCatalogViews() {}

  /** The permissions client's clientId and its roles, sorted by name. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Catalog(String client, List<Permission> permissions) {}

  /** One permission; {@code description} is null when the role has none. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Permission(String name, String description) {}

  /**
   * The effective permissions of a role, user or client ({@code kind}); {@code enabled} is false for a disabled user
   * or client, which gets no token at all.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record SubjectPermissions(String kind, String name, boolean enabled, String client, List<String> permissions) {}

  /** The realm roles whose composite closure holds {@code permission} (a client role of {@code client}), sorted. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record RolesCarrying(String permission, String client, List<String> realmRoles) {}

  /** OAuth's error shape, as the API-token endpoints answer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Error(String error, String error_description) {}
}
