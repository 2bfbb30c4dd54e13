package dev.gatehouse.keycloak.revocation;

import dev.gatehouse.keycloak.revocation.Revocation.Kind;
import dev.gatehouse.keycloak.revocation.Revocation.Reason;
import dev.gatehouse.keycloak.revocation.RealmFacts.RoleFacts;
import dev.gatehouse.keycloak.revocation.RealmFacts.Target;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one admin event into the revocations it calls for (pure: Keycloak's state comes through {@link RealmFacts}).
 * Deletions of users, roles, clients and groups are not handled here but by the model events, which fire for every
 * path (admin console, REST, imports); role revocations and group departures of users too. Here come the changes only
 * admin events describe: sign-outs, disabling, credential resets, grants, composites, client secrets.
 */
final class AdminEventRules {
  /** The credential type of the pack's API tokens ({@code ApiTokenCredentialModel.TYPE}). */
  static final String API_TOKEN_CREDENTIAL_TYPE = "gatehouse-api-token";

  /** Revocations, plus a warning for the operator when the event lacked what a precise answer needs. */
  record Outcome(List<Revocation> revocations, String warning) {
    static Outcome none() {
      return new Outcome(List.of(), null);
    }

    static Outcome of(List<Revocation> revocations) {
      return new Outcome(List.copyOf(revocations), null);
    }
  }

  private final RealmFacts facts;
  private final long nowMillis;
  private final long maxTokenLifespanMillis;

  AdminEventRules(RealmFacts facts, long nowMillis, long maxTokenLifespanMillis) {
    this.facts = facts;
    this.nowMillis = nowMillis;
    this.maxTokenLifespanMillis = maxTokenLifespanMillis;
  }

  Outcome revocationsFor(AdminChange change) {
    String[] path = change.segments();
    return switch (change.resourceType()) {
      case "USER" -> user(change, path);
      case "USER_SESSION" -> is(change, "DELETE") && matches(path, "sessions", "*")
          ? one(Kind.SESSION, path[1], Reason.SESSION_ENDED) : Outcome.none();
      case "REALM" -> realm(change, path);
      case "REALM_ROLE_MAPPING", "CLIENT_ROLE_MAPPING" -> roleMapping(change, path);
      case "GROUP_MEMBERSHIP" -> matches(path, "users", "*", "groups", "*")
          ? one(Kind.SUBJECT, path[1], Reason.PERMISSIONS_CHANGED) : Outcome.none();
      case "REALM_ROLE", "CLIENT_ROLE" -> composites(change, path);
      case "CLIENT" -> client(change, path);
      case "REALM_SCOPE_MAPPING", "CLIENT_SCOPE_MAPPING" -> clientScopeMapping(path);
      default -> Outcome.none();
    };
  }

  private Outcome user(AdminChange change, String[] path) {
    if (matches(path, "users", "*")) {
      String userId = path[1];
      if (is(change, "UPDATE") && Boolean.FALSE.equals(facts.userEnabled(userId))) {
        return one(Kind.SUBJECT, userId, Reason.USER_DISABLED);
      }
      if (is(change, "DELETE")) {
        return one(Kind.SUBJECT, userId, Reason.USER_DELETED);
      }
      return Outcome.none();
    }
    if (matches(path, "users", "*", "logout")) {
      return one(Kind.SUBJECT, path[1], Reason.SESSION_ENDED);
    }
    if (matches(path, "users", "*", "reset-password") || matches(path, "users", "*", "disable-credential-types")) {
      return one(Kind.SUBJECT, path[1], Reason.CREDENTIALS_RESET);
    }
    if (matches(path, "users", "*", "credentials", "*") && is(change, "ACTION")) {
      return API_TOKEN_CREDENTIAL_TYPE.equals(change.details().get("credential_type"))
          ? one(Kind.API_TOKEN, path[3], Reason.API_TOKEN_REVOKED)
          : one(Kind.SUBJECT, path[1], Reason.CREDENTIALS_RESET);
    }
    if (matches(path, "api-tokens", "users", "*", "*") && is(change, "ACTION")) {
      return one(Kind.API_TOKEN, path[3], Reason.API_TOKEN_REVOKED);
    }
    return Outcome.none();
  }

  private Outcome realm(AdminChange change, String[] path) {
    if (matches(path, "logout-all")) {
      return one(Kind.SUBJECT, Revocation.EVERY_SUBJECT, Reason.SESSION_ENDED);
    }
    int notBefore = facts.realmNotBeforeSeconds();
    if (matches(path, "push-revocation")) {
      return notBefore > 0
          ? Outcome.of(List.of(Revocation.of(Kind.SUBJECT, Revocation.EVERY_SUBJECT, Reason.SESSION_ENDED,
              notBefore * 1000L)))
          : Outcome.none();
    }
    // "Revocation: set to now" saves the realm with a new not-before; any realm update repeats a recent one (harmless).
    if (path.length == 0 && is(change, "UPDATE") && stillMatters(notBefore)) {
      return Outcome.of(List.of(Revocation.of(Kind.SUBJECT, Revocation.EVERY_SUBJECT, Reason.SESSION_ENDED,
          notBefore * 1000L)));
    }
    return Outcome.none();
  }

  private Outcome roleMapping(AdminChange change, String[] path) {
    if (matches(path, "users", "*", "role-mappings", "**")) {
      return one(Kind.SUBJECT, path[1], Reason.PERMISSIONS_CHANGED);
    }
    if (matches(path, "groups", "*", "role-mappings", "**")) {
      // The group is not in tokens: revoke each role (or permission) the group gained or lost, one row each, whatever
      // the group's size. Other holders of those roles get a new token too; that is the price of one row.
      return rolesIn(change, Reason.PERMISSIONS_CHANGED, "group " + path[1]);
    }
    return Outcome.none();
  }

  private Outcome composites(AdminChange change, String[] path) {
    if (!(is(change, "CREATE") || is(change, "DELETE")) || path.length < 2 || !"composites".equals(path[path.length - 1])) {
      return Outcome.none();
    }
    RoleFacts parent;
    if (matches(path, "roles", "*", "composites")) {
      parent = facts.realmRole(path[1]);
    } else if (matches(path, "roles-by-id", "*", "composites")) {
      parent = facts.roleById(path[1]);
    } else if (matches(path, "clients", "*", "roles", "*", "composites")) {
      parent = facts.clientRole(path[1], path[3]);
    } else {
      return Outcome.none();
    }
    if (parent == null) {
      return Outcome.none();
    }
    if (parent.kind() != null) {
      // One row for the role, however many users hold it.
      return Outcome.of(rows(parent.carriedAs(), Reason.PERMISSIONS_CHANGED));
    }
    // A client role outside the permissions client is not in the claims the gateway reads: revoke what it carried.
    return rolesIn(change, Reason.PERMISSIONS_CHANGED, "role " + parent.name());
  }

  private Outcome rolesIn(AdminChange change, Reason reason, String what) {
    if (change.representedRoleIds() == null) {
      return new Outcome(List.of(Revocation.of(Kind.SUBJECT, Revocation.EVERY_SUBJECT, reason, nowMillis)),
          "The admin event changing the roles of " + what + " came without its representation, so every token of"
              + " the realm was revoked. Turn on the realm's \"Include representation\" for admin events"
              + " (adminEventsDetailsEnabled) to revoke only the affected roles.");
    }
    List<Target> targets = new ArrayList<>();
    for (String roleId : change.representedRoleIds()) {
      RoleFacts role = facts.roleById(roleId);
      if (role != null) {
        targets.addAll(role.carriedAs());
      }
    }
    return Outcome.of(rows(targets, reason));
  }

  private Outcome client(AdminChange change, String[] path) {
    if (path.length < 2 || !"clients".equals(path[0])) {
      return Outcome.none();
    }
    RealmFacts.ClientFacts client = facts.clientByUuid(path[1]);
    if (client == null) {
      return Outcome.none();
    }
    if (path.length == 2 && is(change, "UPDATE")) {
      List<Revocation> rows = new ArrayList<>();
      if (!client.enabled()) {
        rows.add(Revocation.of(Kind.CLIENT, client.clientId(), Reason.CLIENT_DISABLED, nowMillis));
      } else if (stillMatters(client.notBeforeSeconds())) {
        rows.add(Revocation.of(Kind.CLIENT, client.clientId(), Reason.SESSION_ENDED, client.notBeforeSeconds() * 1000L));
      }
      return Outcome.of(rows);
    }
    if (matches(path, "clients", "*", "client-secret") && is(change, "ACTION")) {
      return one(Kind.CLIENT, client.clientId(), Reason.CLIENT_SECRET_ROTATED);
    }
    if (matches(path, "clients", "*", "push-revocation") && client.notBeforeSeconds() > 0) {
      return Outcome.of(List.of(Revocation.of(Kind.CLIENT, client.clientId(), Reason.SESSION_ENDED,
          client.notBeforeSeconds() * 1000L)));
    }
    return Outcome.none();
  }

  /** A client's role scope decides which roles its tokens carry. */
  private Outcome clientScopeMapping(String[] path) {
    if (matches(path, "clients", "*", "scope-mappings", "**")) {
      RealmFacts.ClientFacts client = facts.clientByUuid(path[1]);
      return client == null ? Outcome.none() : one(Kind.CLIENT, client.clientId(), Reason.PERMISSIONS_CHANGED);
    }
    return Outcome.none();
  }

  private boolean stillMatters(int notBeforeSeconds) {
    return notBeforeSeconds > 0 && notBeforeSeconds * 1000L + maxTokenLifespanMillis > nowMillis;
  }

  private Outcome one(Kind kind, String key, Reason reason) {
    return Outcome.of(List.of(Revocation.of(kind, key, reason, nowMillis)));
  }

  private List<Revocation> rows(List<Target> targets, Reason reason) {
    return targets.stream().distinct().map(t -> Revocation.of(t.kind(), t.key(), reason, nowMillis)).toList();
  }

  private static boolean is(AdminChange change, String operation) {
    return operation.equals(change.operation());
  }

  /** {@code *} matches one non-empty segment; a trailing {@code **} matches one or more. */
  static boolean matches(String[] path, String... pattern) {
    boolean rest = pattern.length > 0 && "**".equals(pattern[pattern.length - 1]);
    int fixed = rest ? pattern.length - 1 : pattern.length;
    if (rest ? path.length <= fixed : path.length != fixed) {
      return false;
    }
    for (int i = 0; i < fixed; i++) {
      if (path[i].isEmpty() || !("*".equals(pattern[i]) || pattern[i].equals(path[i]))) {
        return false;
      }
    }
    return true;
  }
}
