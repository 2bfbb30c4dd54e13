package dev.gatehouse.keycloak.apitoken;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;

/** A factory with no configuration and nothing to start or stop: all state lives in the per-request session. */
interface StatelessProviderFactory<T extends Provider> extends ProviderFactory<T> {
  @Override
  default void init(Config.Scope config) {
  }

  @Override
  default void postInit(KeycloakSessionFactory factory) {
  }

  @Override
  default void close() {
  }
}
