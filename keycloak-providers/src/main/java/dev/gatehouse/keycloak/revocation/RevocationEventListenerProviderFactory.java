package dev.gatehouse.keycloak.revocation;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * {@value #ID}: pushes Keycloak changes that should end access (sign-outs, disabled or deleted users, permission
 * changes, revoked API tokens, disabled clients) to the gateways' {@code revocations} table, through an outbox in
 * Keycloak's own database and a relay thread per node. Enable it per realm (realm events listeners), configure it per
 * node (docs/operations.md, "Revocation (Keycloak side)").
 */
public final class RevocationEventListenerProviderFactory implements EventListenerProviderFactory {
  public static final String ID = "gatehouse-revocations";
  private static final Logger LOG = Logger.getLogger(RevocationEventListenerProviderFactory.class);

  private RevocationSettings settings;
  private RevocationRelay relay;
  private RevocationRecorder recorder;

  @Override
  public EventListenerProvider create(KeycloakSession session) {
    return new RevocationEventListenerProvider(session, recorder);
  }

  @Override
  public void init(Config.Scope config) {
    settings = RevocationSettings.from(config::get);
  }

  @Override
  public void postInit(KeycloakSessionFactory factory) {
    String node = ManagementFactory.getRuntimeMXBean().getName();
    if (settings.configured()) {
      relay = new RevocationRelay(factory, settings, node, Clock.systemUTC());
      relay.start();
      LOG.infof("Gatehouse revocations: node %s delivers revocations to %s (token lifespan bound %s, permissions"
          + " client '%s').", node, settings.jdbcUrlForLogs(), settings.maxTokenLifespan(), settings.permissionsClient());
    } else {
      LOG.warnf("Gatehouse revocations: %s is not set, so realms that enable the event listener '%s' record nothing"
              + " and gateways learn of no sign-out, disabled user or permission change before tokens expire. Set it to"
              + " the gateways' PostgreSQL database (docs/operations.md, \"Revocation (Keycloak side)\").",
          RevocationSettings.name(RevocationSettings.JDBC_URL), ID);
    }
    recorder = new RevocationRecorder(settings, node, relay, Clock.systemUTC());
    factory.register(new ModelChangeListener(recorder));
  }

  /** Records revocations from code outside the listener (the API-token endpoints), in the caller's transaction. */
  public static void record(KeycloakSession session, RealmModel realm, List<Revocation> revocations) {
    if (session.getKeycloakSessionFactory().getProviderFactory(EventListenerProvider.class, ID)
        instanceof RevocationEventListenerProviderFactory factory && factory.recorder != null) {
      factory.recorder.record(session, realm, revocations);
    }
  }

  @Override
  public List<ProviderConfigProperty> getConfigMetadata() {
    return ProviderConfigurationBuilder.create()
        .property().name(RevocationSettings.JDBC_URL).type(ProviderConfigProperty.STRING_TYPE)
        .helpText("JDBC URL of the gateways' PostgreSQL database (the one holding activities and revocations)."
            + " Unset: nothing is recorded.").add()
        .property().name(RevocationSettings.JDBC_USERNAME).type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Database user allowed to INSERT into revocations: best the role gatehouse_revocation_writer that the"
            + " gateway's sql/revocation-writer-role.sql creates.").add()
        .property().name(RevocationSettings.JDBC_PASSWORD).type(ProviderConfigProperty.PASSWORD)
        .helpText("That user's password.").secret(true).add()
        .property().name(RevocationSettings.MAX_TOKEN_LIFESPAN).type(ProviderConfigProperty.INTEGER_TYPE)
        .defaultValue(RevocationSettings.DEFAULT_MAX_TOKEN_LIFESPAN_SECONDS)
        .helpText("Longest lifespan of a token a revocation can affect; rows expire this long after the change.").add()
        .property().name(RevocationSettings.PERMISSIONS_CLIENT).type(ProviderConfigProperty.STRING_TYPE)
        .defaultValue(RevocationSettings.DEFAULT_PERMISSIONS_CLIENT)
        .helpText("Client whose client roles are permissions (as the permissions mapper's config).").add()
        .property().name(RevocationSettings.POLL_INTERVAL).type(ProviderConfigProperty.INTEGER_TYPE)
        .defaultValue(RevocationSettings.DEFAULT_POLL_INTERVAL_MILLIS)
        .helpText("How often the relay looks for waiting rows besides right after each commit.").add()
        .property().name(RevocationSettings.ORPHAN_AGE).type(ProviderConfigProperty.INTEGER_TYPE)
        .defaultValue(RevocationSettings.DEFAULT_ORPHAN_AGE_SECONDS)
        .helpText("Age after which any node delivers rows another node recorded but did not deliver.").add()
        .property().name(RevocationSettings.MAX_BACKOFF).type(ProviderConfigProperty.INTEGER_TYPE)
        .defaultValue(RevocationSettings.DEFAULT_MAX_BACKOFF_SECONDS)
        .helpText("Longest pause between delivery attempts while the gateways' database is unreachable.").add()
        .build();
  }

  @Override
  public void close() {
    if (relay != null) {
      relay.stop();
    }
  }

  @Override
  public String getId() {
    return ID;
  }
}
