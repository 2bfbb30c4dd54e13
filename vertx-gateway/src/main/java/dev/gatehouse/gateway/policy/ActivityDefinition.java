package dev.gatehouse.gateway.policy;

import java.util.Set;

/** An activity as written by an admin or the seed file: everything but the id the database assigns. */
public record ActivityDefinition(String method, String urlRegex, String description, Set<String> permissions) {
  public ActivityDefinition {
    description = description == null ? "" : description;
    permissions = permissions == null ? Set.of() : Set.copyOf(permissions);
  }

  /** Throws {@link InvalidActivityException} explaining the first problem found. */
  public void validate() {
    ActivityPatterns.validate(method, urlRegex);
    ActivityPatterns.validateDescription(description);
    permissions.forEach(ActivityPatterns::validatePermission);
  }
}
