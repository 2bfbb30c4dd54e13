package dev.gatehouse.gateway.policy;

import java.util.Set;

/**
 * One protected operation: an HTTP method plus a regex over the whole normalised path, and the permission
 * names that grant it. Owned by the gateway, stored in PostgreSQL. {@code revision} changes with every change to the
 * activity or its permissions (the admin API's ETag); it is 0 for activities that were never stored.
 * {@code service} names the service it belongs to (null: none); a {@code shadow} activity is evaluated and measured
 * but never enforced.
 */
public record Activity(long id, String method, String urlRegex, String description, Set<String> permissions,
    long revision, String service, boolean shadow) {
  public Activity {
    permissions = Set.copyOf(permissions);
  }

  public Activity(long id, String method, String urlRegex, String description, Set<String> permissions,
      long revision) {
    this(id, method, urlRegex, description, permissions, revision, null, false);
  }

  public Activity(long id, String method, String urlRegex, String description, Set<String> permissions) {
    this(id, method, urlRegex, description, permissions, 0);
  }
}
