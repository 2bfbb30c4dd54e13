package dev.gatehouse.keycloak.revocation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.keycloak.revocation.Revocation.Kind;
import dev.gatehouse.keycloak.revocation.Revocation.Reason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.util.JsonSerialization;

/** Turns user and admin events of one request into revocations (see {@link AdminEventRules}). */
final class RevocationEventListenerProvider implements EventListenerProvider {
  private static final Logger LOG = Logger.getLogger(RevocationEventListenerProvider.class);

  private final KeycloakSession session;
  private final RevocationRecorder recorder;

  RevocationEventListenerProvider(KeycloakSession session, RevocationRecorder recorder) {
    this.session = session;
    this.recorder = recorder;
  }

  @Override
  public void onEvent(Event event) {
    if (event.getError() != null) {
      return;
    }
    List<Revocation> revocations = new ArrayList<>();
    long now = recorder.nowMillis();
    if (event.getType() == EventType.LOGOUT && event.getSessionId() != null) {
      // Any sign-out that ends a session: the OIDC logout endpoint, the account console, back-channel requests.
      revocations.add(Revocation.of(Kind.SESSION, event.getSessionId(), Reason.LOGOUT, now));
    } else if (event.getType() == EventType.REMOVE_CREDENTIAL && event.getDetails() != null
        && AdminEventRules.API_TOKEN_CREDENTIAL_TYPE.equals(event.getDetails().get(Details.CREDENTIAL_TYPE))
        && event.getDetails().get(Details.CREDENTIAL_ID) != null) {
      // An API token removed by its owner, e.g. in the account console.
      revocations.add(Revocation.of(Kind.API_TOKEN, event.getDetails().get(Details.CREDENTIAL_ID),
          Reason.API_TOKEN_REVOKED, now));
    }
    recorder.record(session, realm(event.getRealmId()), revocations);
  }

  @Override
  public void onEvent(AdminEvent event, boolean includeRepresentation) {
    if (event.getError() != null || event.getOperationType() == null) {
      return;
    }
    RealmModel realm = realm(event.getRealmId());
    if (realm == null || !RevocationRecorder.enabledIn(realm)) {
      return;
    }
    // Keycloak hands listeners the representation whatever the realm's "include representation" setting (that one
    // decides what is stored); only role ids are read from it, nothing is kept.
    AdminChange change = new AdminChange(event.getOperationType().name(), event.getResourceTypeAsString(),
        event.getResourcePath(), event.getDetails(), roleIds(event.getRepresentation()));
    AdminEventRules.Outcome outcome = new AdminEventRules(
        new KeycloakRealmFacts(session, realm, recorder.permissionsClient()), recorder.nowMillis(),
        recorder.maxTokenLifespanMillis()).revocationsFor(change);
    if (outcome.warning() != null) {
      LOG.warn("Gatehouse revocations: " + outcome.warning());
    }
    recorder.record(session, realm, outcome.revocations());
  }

  /** Ids of the roles in a role list representation; null when there is none or it is not a role list. */
  static List<String> roleIds(String representation) {
    if (representation == null || representation.isBlank()) {
      return null;
    }
    try {
      JsonNode node = JsonSerialization.readValue(representation, JsonNode.class);
      if (!node.isArray()) {
        return null;
      }
      List<String> ids = new ArrayList<>();
      for (JsonNode role : node) {
        if (role.hasNonNull("id")) {
          ids.add(role.get("id").asText());
        }
      }
      return ids;
    } catch (IOException e) {
      return null;
    }
  }

  private RealmModel realm(String realmId) {
    return realmId == null ? null : session.realms().getRealm(realmId);
  }

  @Override
  public void close() {
  }
}
