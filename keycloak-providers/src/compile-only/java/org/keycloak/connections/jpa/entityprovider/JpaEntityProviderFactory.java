package org.keycloak.connections.jpa.entityprovider;

import org.keycloak.provider.ProviderFactory;

/** Compile-only declaration of Keycloak 26.7.3's interface (keycloak-model-jpa); never packaged. */
public interface JpaEntityProviderFactory extends ProviderFactory<JpaEntityProvider> {
}
