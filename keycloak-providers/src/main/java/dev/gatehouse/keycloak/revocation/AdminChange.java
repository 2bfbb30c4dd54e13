package dev.gatehouse.keycloak.revocation;

import java.util.List;
import java.util.Map;

/**
 * The parts of a Keycloak admin event the rules read: operation and resource type names, the resource path relative to
 * {@code /admin/realms/{realm}/}, the details, and the ids of the roles in the representation (role mappings and
 * composites carry a list of roles; null when the event came without its representation).
 */
record AdminChange(String operation, String resourceType, String path, Map<String, String> details,
                   List<String> representedRoleIds) {

  AdminChange {
    path = path == null ? "" : path;
    details = details == null ? Map.of() : details;
  }

  String[] segments() {
    return path.isEmpty() ? new String[0] : path.split("/");
  }
}
