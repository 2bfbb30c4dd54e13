package dev.gatehouse.keycloak.apitoken;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Serves {@link ApiTokenResource} at {@code /realms/{realm}/api-tokens}. */
public final class ApiTokenResourceProviderFactory
    implements RealmResourceProviderFactory, StatelessProviderFactory<RealmResourceProvider> {
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
  public String getId() {
    return ID;
  }
}
