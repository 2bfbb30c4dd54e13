package dev.gatehouse.keycloak.apitoken;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Serves {@link ApiTokenResource} at {@code /realms/{realm}/api-tokens}. */
public final class ApiTokenResourceProviderFactory implements RealmResourceProviderFactory {
  public static final String ID = "api-tokens";

  @Override
  public RealmResourceProvider create(KeycloakSession session) {
    return new RealmResourceProvider() {
      @Override
      public Object getResource() {
        return new ApiTokenResource(session);
      }

      @Override
      public void close() {
      }
    };
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

  @Override
  public String getId() {
    return ID;
  }
}
