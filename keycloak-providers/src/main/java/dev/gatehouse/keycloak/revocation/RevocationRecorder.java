package dev.gatehouse.keycloak.revocation;

import dev.gatehouse.keycloak.mapper.WarningThrottle;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Records revocations in the outbox, inside the transaction of the change: they exist if and only if the change
 * committed, and nothing here touches the gateways' database, so no admin action or login waits for it or fails
 * because of it. Only realms whose event listeners include {@value RevocationEventListenerProviderFactory#ID} record
 * anything (keys are not realm-qualified: a role named "admin" in another realm must not revoke this one's).
 */
final class RevocationRecorder {
  private static final Logger LOG = Logger.getLogger(RevocationRecorder.class);
  private static final String SESSION_ATTRIBUTE = RevocationRecorder.class.getName() + ".pending";

  private final RevocationSettings settings;
  private final String node;
  private final RevocationRelay relay;
  private final Clock clock;
  private final WarningThrottle warnings = new WarningThrottle(Duration.ofMinutes(1), System::nanoTime);

  /** {@code relay} is null when the listener is not configured: then nothing is recorded, and the log says so. */
  RevocationRecorder(RevocationSettings settings, String node, RevocationRelay relay, Clock clock) {
    this.settings = settings;
    this.node = node;
    this.relay = relay;
    this.clock = clock;
  }

  long nowMillis() {
    return clock.millis();
  }

  long maxTokenLifespanMillis() {
    return settings.maxTokenLifespan().toMillis();
  }

  String permissionsClient() {
    return settings.permissionsClient();
  }

  static boolean enabledIn(RealmModel realm) {
    return realm.getEventsListenersStream().anyMatch(RevocationEventListenerProviderFactory.ID::equals);
  }

  void record(KeycloakSession session, RealmModel realm, List<Revocation> revocations) {
    if (revocations.isEmpty() || realm == null || !enabledIn(realm)) {
      return;
    }
    if (relay == null) {
      if (warnings.shouldLog("unconfigured")) {
        LOG.warnf("Gatehouse revocations: %s in realm %s NOT sent to the gateways: %s is not set. Gateways keep"
                + " accepting the affected tokens until they expire. (This warning repeats at most once a minute.)",
            revocations, realm.getName(), RevocationSettings.name(RevocationSettings.JDBC_URL));
      }
      return;
    }
    if (!session.getTransactionManager().isActive()) {
      String realmId = realm.getId();
      KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(),
          inner -> record(inner, inner.realms().getRealm(realmId), revocations));
      return;
    }
    PendingInTransaction pending = pendingIn(session);
    var em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    for (Revocation revocation : revocations) {
      if (!pending.identities.add(revocation.identity())) {
        continue;
      }
      RevocationOutboxEntity row = new RevocationOutboxEntity();
      row.setId(KeycloakModelUtils.generateId());
      row.setRealmId(realm.getId());
      row.setKind(revocation.kind().column());
      row.setKey(revocation.key());
      row.setReason(revocation.reason().column());
      row.setNotBefore(revocation.notBeforeMillis());
      row.setExpiresAt(revocation.notBeforeMillis() + settings.maxTokenLifespan().toMillis());
      row.setNode(node);
      row.setCreatedAt(clock.millis());
      em.persist(row);
      pending.outboxIds.add(row.getId());
      LOG.debugf("Gatehouse revocations: recorded %s in realm %s", revocation, realm.getName());
    }
  }

  /** One per transaction: dedupes its revocations and hands them to the relay once it committed. */
  private PendingInTransaction pendingIn(KeycloakSession session) {
    PendingInTransaction pending = session.getAttribute(SESSION_ATTRIBUTE, PendingInTransaction.class);
    if (pending == null) {
      pending = new PendingInTransaction();
      session.setAttribute(SESSION_ATTRIBUTE, pending);
      PendingInTransaction recorded = pending;
      session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
        @Override
        protected void commitImpl() {
          if (!recorded.outboxIds.isEmpty()) {
            relay.committed(List.copyOf(recorded.outboxIds), clock.millis());
          }
          session.removeAttribute(SESSION_ATTRIBUTE);
        }

        @Override
        protected void rollbackImpl() {
          session.removeAttribute(SESSION_ATTRIBUTE);
        }
      });
    }
    return pending;
  }

  private static final class PendingInTransaction {
    final Set<String> identities = new HashSet<>();
    final List<String> outboxIds = new ArrayList<>();
  }
}
