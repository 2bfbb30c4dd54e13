package dev.gatehouse.keycloak.revocation;

import java.util.List;

/**
 * What the revocation rules need to know about a realm's current state (inside the transaction that changed it).
 * {@link KeycloakRealmFacts} reads it from Keycloak's models; tests use a fake.
 */
interface RealmFacts {

  /** A client's state; {@code notBeforeSeconds} is 0 when never set. */
  record ClientFacts(String clientId, boolean enabled, int notBeforeSeconds) {}

  /**
   * A role: {@code kind} is {@code ROLE} for a realm role, {@code PERMISSION} for a client role of the permissions
   * client, null for any other client role (not in the claims the gateway reads). {@code carriedAs} are the keys that
   * cover every token carrying the role: itself, or for other client roles the permissions it contains.
   */
  record RoleFacts(String name, Revocation.Kind kind, List<Target> carriedAs) {}

  /** A kind and key, without reason or time. */
  record Target(Revocation.Kind kind, String key) {}

  /** Whether the user is enabled; null when there is no such user. */
  Boolean userEnabled(String userId);

  /** null when there is no such client. */
  ClientFacts clientByUuid(String clientUuid);

  /** null when there is no such role. */
  RoleFacts roleById(String roleId);

  /** null when there is no such realm role. */
  RoleFacts realmRole(String name);

  /** null when there is no such client or role. */
  RoleFacts clientRole(String clientUuid, String name);

  /** The realm's not-before (seconds since the epoch), 0 when never set. */
  int realmNotBeforeSeconds();
}
