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

  /** OAuth's error shape, as the API-token endpoints answer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Error(String error, String error_description) {}
}
