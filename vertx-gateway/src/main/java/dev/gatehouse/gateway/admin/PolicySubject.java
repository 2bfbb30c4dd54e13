package dev.gatehouse.gateway.admin;

/**
 * A Keycloak subject whose effective permissions a policy test asks for: a realm role, a user (by username) or a
 * client's service account (by clientId).
 */
public record PolicySubject(Kind kind, String name) {
  public enum Kind {
    ROLE("role", "Role", "roles"),
    USER("user", "User", "users"),
    CLIENT("client", "Client", "clients");

    /** The field name in a policy test's {@code who}. */
    final String field;
    final String label;
    /** The path segment of the extension pack's sub-resource. */
    final String collection;

    Kind(String field, String label, String collection) {
      this.field = field;
      this.label = label;
      this.collection = collection;
    }
  }

  /** E.g. "user 'carol'". */
  public String describe() {
    return kind.field + " '" + name + "'";
  }
}
