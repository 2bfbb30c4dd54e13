package dev.gatehouse.it.revocation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.it.support.Jwt;
import java.util.Map;
import java.util.function.Function;

/**
 * Each Keycloak change that must end access (issue #14), as an admin or user does it: {@link #prepare} creates fresh
 * subjects, issues the token the change must revoke and one it must leave alone, and returns the change to perform
 * with the {@code error_description} the gateways must answer.
 */
public enum RevocationChange {
  LOGOUT(realm -> {
    String user = realm.createUser("e2e-logout");
    realm.settle();
    JsonNode session = realm.signIn(user);
    // A second session of the same user: only the session that logged out ends.
    String otherSession = realm.accessToken(user);
    return new Scenario(session.path("access_token").asText(), otherSession,
        () -> realm.admin().postForm(realm.issuer() + "/protocol/openid-connect/logout", Map.of(
            "client_id", RevocationRealm.TEST_CLIENT, "refresh_token", session.path("refresh_token").asText()), null)
            .expect(204),
        "session ended, sign in again");
  }),

  ADMIN_SIGN_OUT(realm -> {
    String user = realm.createUser("e2e-signout");
    String bystander = realm.createUser("e2e-signout-other");
    realm.settle();
    return new Scenario(realm.accessToken(user), realm.accessToken(bystander),
        () -> realm.admin().post(RevocationRealm.REALM + "/users/" + user + "/logout", Map.of()).expect(204),
        "session ended, sign in again");
  }),

  USER_DISABLED(realm -> {
    String user = realm.createUser("e2e-disable");
    String bystander = realm.createUser("e2e-disable-other");
    realm.settle();
    return new Scenario(realm.accessToken(user), realm.accessToken(bystander),
        () -> realm.updateUser(user, "enabled", false), "user disabled");
  }),

  USER_DELETED(realm -> {
    String user = realm.createUser("e2e-delete");
    String bystander = realm.createUser("e2e-delete-other");
    realm.settle();
    return new Scenario(realm.accessToken(user), realm.accessToken(bystander),
        () -> realm.admin().delete(RevocationRealm.REALM + "/users/" + user).expect(204), "user deleted");
  }),

  PASSWORD_RESET(realm -> {
    String user = realm.createUser("e2e-reset");
    String bystander = realm.createUser("e2e-reset-other");
    realm.settle();
    return new Scenario(realm.accessToken(user), realm.accessToken(bystander),
        () -> realm.admin().put(RevocationRealm.REALM + "/users/" + user + "/reset-password",
            Map.of("type", "password", "value", "another-" + user, "temporary", false)).expect(204),
        "credentials reset, sign in again");
  }),

  REALM_ROLE_REMOVED(realm -> {
    String role = realm.createRealmRole("e2e-role");
    String user = realm.createUser("e2e-unrole", role);
    // Keeps the same role: the removal concerns one subject, not the role.
    String bystander = realm.createUser("e2e-unrole-other", role);
    realm.settle();
    return new Scenario(realm.accessToken(user), realm.accessToken(bystander),
        () -> realm.removeRealmRole(user, role), "permissions changed, get a new token");
  }),

  COMPOSITE_CHANGED(realm -> {
    String role = realm.createRealmRole("e2e-composite");
    realm.addComposite(role, RevocationRealm.PERMISSION);
    // Holds the permission only through the role, which is about to lose it.
    String holder = realm.createUserWithOnly("e2e-composite-holder", role);
    String bystander = realm.createUser("e2e-composite-other");
    realm.settle();
    return new Scenario(realm.accessToken(holder), realm.accessToken(bystander),
        () -> realm.removeComposite(role, RevocationRealm.PERMISSION), "permissions changed, get a new token");
  }),

  PERMISSION_DELETED(realm -> {
    String permission = realm.createPermission("e2e-permission");
    String user = realm.createUser("e2e-permission-holder");
    realm.grantPermission(user, permission);
    String bystander = realm.createUser("e2e-permission-other");
    realm.settle();
    String affected = realm.accessToken(user);
    if (!Jwt.stringSet(Jwt.payload(affected), "permissions").contains(permission)) {
      throw new IllegalStateException("The token does not carry the new permission " + permission);
    }
    return new Scenario(affected, realm.accessToken(bystander), () -> realm.deletePermission(permission),
        "permissions changed, get a new token");
  }),

  API_TOKEN_REVOKED(realm -> {
    String owner = realm.createUser("e2e-pat");
    String bearer = realm.accessToken(owner);
    JsonNode revoked = realm.createApiToken(bearer, "revoked");
    // The same owner's other API token stays good.
    JsonNode kept = realm.createApiToken(bearer, "kept");
    realm.settle();
    return new Scenario(revoked.path("token").asText(), kept.path("token").asText(),
        () -> realm.revokeApiToken(owner, revoked.path("id").asText()),
        // The revocation drops the cached resolution on every gateway at once (it would otherwise live up to 50 s),
        // and the next request's resolution is refused by Keycloak.
        "The API token was refused: API token revoked or unknown");
  }),

  CLIENT_DISABLED(realm -> {
    String clientId = RevocationRealm.unique("e2e-client-off");
    String uuid = realm.createServiceClient(clientId);
    String otherId = RevocationRealm.unique("e2e-client-on");
    String otherUuid = realm.createServiceClient(otherId);
    realm.settle();
    return new Scenario(realm.clientCredentialsToken(clientId, realm.clientSecret(uuid)),
        realm.clientCredentialsToken(otherId, realm.clientSecret(otherUuid)),
        () -> realm.setClientEnabled(uuid, false), "client disabled");
  }),

  CLIENT_SECRET_REGENERATED(realm -> {
    String clientId = RevocationRealm.unique("e2e-client-secret");
    String uuid = realm.createServiceClient(clientId);
    String otherId = RevocationRealm.unique("e2e-client-kept");
    String otherUuid = realm.createServiceClient(otherId);
    realm.settle();
    return new Scenario(realm.clientCredentialsToken(clientId, realm.clientSecret(uuid)),
        realm.clientCredentialsToken(otherId, realm.clientSecret(otherUuid)),
        () -> realm.regenerateSecret(uuid), "client secret rotated, get a new token with the new secret");
  });

  /**
   * A prepared case: {@code affected} must be refused after {@code change} with {@code description};
   * {@code unaffected} must still be served. Both are Bearer credentials (JWT or API token).
   */
  public record Scenario(String affected, String unaffected, Runnable change, String description) {}

  private final Function<RevocationRealm, Scenario> preparation;

  RevocationChange(Function<RevocationRealm, Scenario> preparation) {
    this.preparation = preparation;
  }

  public Scenario prepare(RevocationRealm realm) {
    return preparation.apply(realm);
  }
}
