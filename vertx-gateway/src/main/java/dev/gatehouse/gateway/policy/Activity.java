package dev.gatehouse.gateway.policy;

import java.util.Set;

/**
 * One protected operation: an HTTP method plus a regex over the whole normalised path, and the permission
 * names that grant it. Owned by the gateway, stored in PostgreSQL.
 */
public record Activity(long id, String method, String urlRegex, String description, Set<String> permissions) {
  public Activity {
    permissions = Set.copyOf(permissions);
  }
}
