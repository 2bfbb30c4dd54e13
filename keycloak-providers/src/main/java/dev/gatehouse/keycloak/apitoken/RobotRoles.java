package dev.gatehouse.keycloak.apitoken;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * Which realm roles an administrator may give a robot user, or take from it, through the pack's robot endpoints. A
 * robot reaches the system with API tokens that third parties hold, so it never gets: the realm's default role (every
 * user has it already, it is realm configuration), a role that (directly or through composites) carries Keycloak
 * administration rights (any role of {@value Constants#REALM_MANAGEMENT_CLIENT_ID}, or of the master realm's
 * {@code *-realm} clients), or the roles reserved for Gatehouse's own service accounts. Anything else is an
 * application role, which the realm's administrators designed to be given.
 */
final class RobotRoles {
  /** Realm roles that only Gatehouse's own service accounts hold. */
  static final Set<String> RESERVED = Set.of(ApiTokenAdminResource.ROBOT_MANAGER_ROLE, "gatehouse-permission-reader");

  /** One role as the console shows it. */
  record View(String name, String description) {
    static View of(RoleModel role) {
      return new View(role.getName(), role.getDescription());
    }
  }

  /** A robot's direct realm roles, and the realm roles it may be given. */
  record Listing(String robot, List<View> assigned, List<View> assignable) {}

  private RobotRoles() {}

  static Listing of(RealmModel realm, UserModel robot) {
    List<View> assigned = robot.getRealmRoleMappingsStream().sorted(Comparator.comparing(RoleModel::getName))
        .map(View::of).toList();
    List<View> assignable = realm.getRolesStream().filter(role -> refusal(realm, role) == null)
        .sorted(Comparator.comparing(RoleModel::getName)).map(View::of).toList();
    return new Listing(robot.getUsername(), assigned, assignable);
  }

  /** Why {@code role} may not be given to or taken from a robot here, or null when it may. */
  static String refusal(RealmModel realm, RoleModel role) {
    String name = role.getName();
    RoleModel defaultRole = realm.getDefaultRole();
    if ((defaultRole != null && defaultRole.getId().equals(role.getId()))
        || name.startsWith(Constants.DEFAULT_ROLES_ROLE_PREFIX)) {
      return "'" + name + "' is the realm's default role: every new user, robots included, has it already. Change"
          + " what it carries in Keycloak's realm settings (User registration, Default roles), not per robot.";
    }
    if (RESERVED.contains(name)) {
      return "'" + name + "' is reserved for Gatehouse's own service accounts: a robot holding it could manage other"
          + " robots or read the realm's roles. It is never given to a robot.";
    }
    String admin = keycloakAdminRole(role);
    if (admin != null) {
      return "'" + name + "' carries Keycloak administration rights (" + admin + "): a robot's API token must never"
          + " administer Keycloak. Give the robot an application role instead.";
    }
    return null;
  }

  /** The first Keycloak admin role {@code role} is or contains, as {@code client/role}; null when none. */
  private static String keycloakAdminRole(RoleModel role) {
    Deque<RoleModel> pending = new ArrayDeque<>(List.of(role));
    Set<String> seen = new HashSet<>();
    while (!pending.isEmpty()) {
      RoleModel next = pending.pop();
      if (!seen.add(next.getId())) {
        continue;
      }
      if (next.isClientRole() && next.getContainer() instanceof ClientModel client && isAdminClient(client)) {
        return client.getClientId() + "/" + next.getName();
      }
      next.getCompositesStream().forEach(pending::push);
    }
    return null;
  }

  /** realm-management in any realm; in the master realm also each realm's {@code <realm>-realm} admin client. */
  private static boolean isAdminClient(ClientModel client) {
    String id = client.getClientId();
    return Constants.REALM_MANAGEMENT_CLIENT_ID.equals(id)
        || (id.endsWith("-realm") && "master".equals(client.getRealm().getName()));
  }
}
