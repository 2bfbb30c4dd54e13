package org.keycloak.connections.jpa.entityprovider;

import java.util.List;
import org.keycloak.provider.Provider;

/** Compile-only declaration of Keycloak 26.7.3's interface (keycloak-model-jpa); never packaged. */
public interface JpaEntityProvider extends Provider {
  List<Class<?>> getEntities();

  String getChangelogLocation();

  String getFactoryId();
}
