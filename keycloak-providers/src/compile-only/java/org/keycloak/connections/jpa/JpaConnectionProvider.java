package org.keycloak.connections.jpa;

import jakarta.persistence.EntityManager;
import org.keycloak.provider.Provider;

/** Compile-only declaration of Keycloak 26.7.3's interface (keycloak-model-jpa); never packaged. */
public interface JpaConnectionProvider extends Provider {
  EntityManager getEntityManager();
}
