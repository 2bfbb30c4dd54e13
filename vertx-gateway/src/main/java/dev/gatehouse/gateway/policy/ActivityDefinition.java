package dev.gatehouse.gateway.policy;

import java.util.Set;

/**
 * An activity as written by an admin or the seed file: everything but the id the database assigns. {@code service}
 * is the service it belongs to (null: none), {@code shadow} whether it is only measured, not enforced.
 */
public record ActivityDefinition(String method, String urlRegex, String description, Set<String> permissions,
    String service, boolean shadow) {
  public ActivityDefinition {
    description = description == null ? "" : description;
    permissions = permissions == null ? Set.of() : Set.copyOf(permissions);
  }

  public ActivityDefinition(String method, String urlRegex, String description, Set<String> permissions) {
    this(method, urlRegex, description, permissions, null, false);
  }

  /** Throws {@link InvalidActivityException} explaining the first problem found. */
  public void validate() {
    ActivityPatterns.validate(method, urlRegex);
    ActivityPatterns.validateDescription(description);
    permissions.forEach(ActivityPatterns::validatePermission);
    if (service != null) {
      ServiceRules.validateName(service);
    }
  }
}
