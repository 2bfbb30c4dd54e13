package dev.gatehouse.keycloak.revocation;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Adds the revocation outbox table to Keycloak's database (created and migrated by Keycloak's Liquibase run). */
public final class RevocationOutboxEntityProviderFactory implements JpaEntityProviderFactory, JpaEntityProvider {
  /** Also names Liquibase's changelog table for it: DATABASECHANGELOG_GATEHOUSE_ (first 10 letters). */
  public static final String ID = "gatehouse-revocation-outbox";

  @Override
  public JpaEntityProvider create(KeycloakSession session) {
    return this;
  }

  @Override
  public List<Class<?>> getEntities() {
    return List.of(RevocationOutboxEntity.class);
  }

  @Override
  public String getChangelogLocation() {
    return "META-INF/gatehouse-revocation-outbox-changelog.xml";
  }

  @Override
  public String getFactoryId() {
    return ID;
  }

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public void init(Config.Scope config) {
  }

  @Override
  public void postInit(KeycloakSessionFactory factory) {
  }

  @Override
  public void close() {
  }
}
