package dev.gatehouse.keycloak.revocation;

import dev.gatehouse.keycloak.revocation.Revocation.Kind;
import dev.gatehouse.keycloak.revocation.Revocation.Reason;
import dev.gatehouse.keycloak.revocation.RealmFacts.Target;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleContainerModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderEventListener;

/**
 * Keycloak's model events, which fire inside the changing transaction for every path a change can take (admin
 * console, admin REST API, account console, imports, identity-provider mappers): deletions of users, roles, clients
 * and groups, and the two changes that take access away from one user, a role revoked and a group left. Grants are left
 * to admin events: a grant to a user created in the same transaction (first broker login, default roles) must not
 * refuse that user's very first token.
 */
final class ModelChangeListener implements ProviderEventListener {
  private static final Logger LOG = Logger.getLogger(ModelChangeListener.class);

  private final RevocationRecorder recorder;

  ModelChangeListener(RevocationRecorder recorder) {
    this.recorder = recorder;
  }

  @Override
  public void onEvent(ProviderEvent event) {
    try {
      handle(event);
    } catch (RuntimeException e) {
      // Never fail the change itself; the log names what was not recorded.
      LOG.errorf(e, "Gatehouse revocations: could not record the revocation for %s", event.getClass().getName());
    }
  }

  private void handle(ProviderEvent event) {
    long now = recorder.nowMillis();
    if (event instanceof UserModel.UserRemovedEvent removed) {
      record(removed.getKeycloakSession(), removed.getRealm(),
          List.of(Revocation.of(Kind.SUBJECT, removed.getUser().getId(), Reason.USER_DELETED, now)));
    } else if (event instanceof RoleModel.RoleRevokedEvent revoked && revoked.getUser() != null) {
      record(revoked.getKeycloakSession(), realmOf(null, revoked.getRole()),
          List.of(Revocation.of(Kind.SUBJECT, revoked.getUser().getId(), Reason.PERMISSIONS_CHANGED, now)));
    } else if (event instanceof GroupModel.GroupMemberLeaveEvent left && left.getUser() != null) {
      record(left.getKeycloakSession(), left.getRealm(),
          List.of(Revocation.of(Kind.SUBJECT, left.getUser().getId(), Reason.PERMISSIONS_CHANGED, now)));
    } else if (event instanceof RoleContainerModel.RoleRemovedEvent removed) {
      RoleModel role = removed.getRole();
      RealmModel realm = realmOf(null, role);
      record(removed.getKeycloakSession(), realm, rows(KeycloakRealmFacts.describe(role,
          recorder.permissionsClient()).carriedAs(), Reason.ROLE_DELETED, now));
    } else if (event instanceof ClientModel.ClientRemovedEvent removed) {
      ClientModel client = removed.getClient();
      record(removed.getKeycloakSession(), client.getRealm(),
          List.of(Revocation.of(Kind.CLIENT, client.getClientId(), Reason.CLIENT_DELETED, now)));
    } else if (event instanceof GroupModel.GroupRemovedEvent removed) {
      // Fired before the group goes: its members lose its roles. One row per role, not per member.
      List<Target> targets = new ArrayList<>();
      removed.getGroup().getRoleMappingsStream()
          .forEach(role -> targets.addAll(KeycloakRealmFacts.describe(role, recorder.permissionsClient()).carriedAs()));
      record(removed.getKeycloakSession(), removed.getRealm(), rows(targets, Reason.PERMISSIONS_CHANGED, now));
    }
  }

  private void record(KeycloakSession session, RealmModel realm, List<Revocation> revocations) {
    if (session != null && realm != null) {
      recorder.record(session, realm, revocations);
    }
  }

  private static List<Revocation> rows(List<Target> targets, Reason reason, long now) {
    return targets.stream().distinct().map(t -> Revocation.of(t.kind(), t.key(), reason, now)).toList();
  }

  private static RealmModel realmOf(RealmModel known, RoleModel role) {
    if (known != null) {
      return known;
    }
    if (role.getContainer() instanceof RealmModel realm) {
      return realm;
    }
    return role.getContainer() instanceof ClientModel client ? client.getRealm() : null;
  }
}
