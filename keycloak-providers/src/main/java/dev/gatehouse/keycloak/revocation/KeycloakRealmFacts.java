package dev.gatehouse.keycloak.revocation;

import dev.gatehouse.keycloak.revocation.Revocation.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/** {@link RealmFacts} read from Keycloak's models, inside the transaction of the change. */
final class KeycloakRealmFacts implements RealmFacts {
  /** Bounds the walk through nested composites of one client role. */
  private static final int MAX_COMPOSITES_WALKED = 10_000;

  private final KeycloakSession session;
  private final RealmModel realm;
  private final String permissionsClientId;

  KeycloakRealmFacts(KeycloakSession session, RealmModel realm, String permissionsClientId) {
    this.session = session;
    this.realm = realm;
    this.permissionsClientId = permissionsClientId;
  }

  @Override
  public Boolean userEnabled(String userId) {
    UserModel user = session.users().getUserById(realm, userId);
    return user == null ? null : user.isEnabled();
  }

  @Override
  public ClientFacts clientByUuid(String clientUuid) {
    ClientModel client = realm.getClientById(clientUuid);
    return client == null ? null : new ClientFacts(client.getClientId(), client.isEnabled(), client.getNotBefore());
  }

  @Override
  public RoleFacts roleById(String roleId) {
    RoleModel role = session.roles().getRoleById(realm, roleId);
    return role == null ? null : describe(role, permissionsClientId);
  }

  @Override
  public RoleFacts realmRole(String name) {
    RoleModel role = realm.getRole(name);
    return role == null ? null : describe(role, permissionsClientId);
  }

  @Override
  public RoleFacts clientRole(String clientUuid, String name) {
    ClientModel client = realm.getClientById(clientUuid);
    RoleModel role = client == null ? null : client.getRole(name);
    return role == null ? null : describe(role, permissionsClientId);
  }

  @Override
  public int realmNotBeforeSeconds() {
    return realm.getNotBefore();
  }

  /** What a role is, for the gateway: a realm role, a permission, or a client role that may contain some. */
  static RoleFacts describe(RoleModel role, String permissionsClientId) {
    Kind kind = kindOf(role, permissionsClientId);
    if (kind != null) {
      return new RoleFacts(role.getName(), kind, List.of(new Target(kind, role.getName())));
    }
    List<Target> carried = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Deque<RoleModel> next = new ArrayDeque<>();
    role.getCompositesStream().forEach(next::add);
    while (!next.isEmpty() && seen.size() < MAX_COMPOSITES_WALKED) {
      RoleModel composite = next.poll();
      if (!seen.add(composite.getId())) {
        continue;
      }
      Kind compositeKind = kindOf(composite, permissionsClientId);
      if (compositeKind != null) {
        // A realm role's token entry covers its own composites too (they are in the same tokens).
        carried.add(new Target(compositeKind, composite.getName()));
      }
      if (compositeKind != Kind.ROLE) {
        composite.getCompositesStream().forEach(next::add);
      }
    }
    return new RoleFacts(role.getName(), null, List.copyOf(carried));
  }

  private static Kind kindOf(RoleModel role, String permissionsClientId) {
    if (!role.isClientRole()) {
      return Kind.ROLE;
    }
    return role.getContainer() instanceof ClientModel client && permissionsClientId.equals(client.getClientId())
        ? Kind.PERMISSION : null;
  }
}
