package dev.gatehouse.keycloak.apitoken;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/** Serves {@link ApiTokenAdminResource} at {@code /admin/realms/{realm}/api-tokens}. */
public final class ApiTokenAdminResourceProviderFactory implements AdminRealmResourceProviderFactory {
  public static final String ID = "api-tokens";

  @Override
  public AdminRealmResourceProvider create(KeycloakSession session) {
    return new AdminRealmResourceProvider() {
      @Override
      public Object getResource(KeycloakSession keycloakSession, org.keycloak.models.RealmModel realm,
                                org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator auth,
                                org.keycloak.services.resources.admin.AdminEventBuilder adminEvent) {
        return new ApiTokenAdminResource(keycloakSession, realm, auth, adminEvent);
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
