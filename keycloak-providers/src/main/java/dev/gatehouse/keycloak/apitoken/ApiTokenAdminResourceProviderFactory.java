package dev.gatehouse.keycloak.apitoken;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Serves {@link ApiTokenAdminResource} at {@code /admin/realms/{realm}/api-tokens}. */
public final class ApiTokenAdminResourceProviderFactory
    implements AdminRealmResourceProviderFactory, StatelessProviderFactory<AdminRealmResourceProvider> {
  public static final String ID = "api-tokens";

  @Override
  public AdminRealmResourceProvider create(KeycloakSession session) {
    return new AdminRealmResourceProvider() {
      @Override
      public Object getResource(KeycloakSession keycloakSession, RealmModel realm, AdminPermissionEvaluator auth,
                                AdminEventBuilder adminEvent) {
        return new ApiTokenAdminResource(keycloakSession, realm, auth, adminEvent);
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
