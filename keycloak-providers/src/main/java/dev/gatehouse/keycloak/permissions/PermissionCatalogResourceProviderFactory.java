package dev.gatehouse.keycloak.permissions;

import dev.gatehouse.keycloak.mapper.MapperSettings;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * Serves {@link PermissionCatalogResource} at {@code /realms/{realm}/gatehouse-permissions}. Which client holds the
 * permissions is server configuration ({@code --spi-realm-restapi-extension--gatehouse-permissions--client}), because
 * the mapper's own {@code permissions.client} is per mapper and this endpoint must answer for all of them.
 */
public final class PermissionCatalogResourceProviderFactory implements RealmResourceProviderFactory {
  public static final String ID = "gatehouse-permissions";
  /** The provider option naming the permissions client. */
  public static final String CLIENT_OPTION = "client";

  private static final Logger LOG = Logger.getLogger(PermissionCatalogResourceProviderFactory.class);

  private String permissionsClient = MapperSettings.DEFAULT_PERMISSIONS_CLIENT;

  @Override
  public RealmResourceProvider create(KeycloakSession session) {
    String client = permissionsClient;
    return new RealmResourceProvider() {
      @Override
      public Object getResource() {
        return new PermissionCatalogResource(session, client);
      }

      @Override
      public void close() {
      }
    };
  }

  @Override
  public void init(Config.Scope config) {
    permissionsClient = permissionsClient(config);
    LOG.debugf("Gatehouse permission catalog lists the client roles of client '%s'", permissionsClient);
  }

  /** The configured clientId, trimmed; the mapper's default when unset or blank. */
  static String permissionsClient(Config.Scope config) {
    String configured = config.get(CLIENT_OPTION);
    return configured == null || configured.isBlank()
        ? MapperSettings.DEFAULT_PERMISSIONS_CLIENT : configured.trim();
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

  @Override
  public List<ProviderConfigProperty> getConfigMetadata() {
    return ProviderConfigurationBuilder.create()
        .property()
        .name(CLIENT_OPTION)
        .type(ProviderConfigProperty.STRING_TYPE)
        .helpText("Client ID of the client whose client roles are the permissions: the same client as the Gatehouse"
            + " permissions mapper's permissions.client.")
        .defaultValue(MapperSettings.DEFAULT_PERMISSIONS_CLIENT)
        .add()
        .build();
  }
}
