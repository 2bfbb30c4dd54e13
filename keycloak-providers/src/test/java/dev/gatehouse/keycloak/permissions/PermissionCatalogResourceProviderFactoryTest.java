package dev.gatehouse.keycloak.permissions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.Config;

class PermissionCatalogResourceProviderFactoryTest {
  private static final String PREFIX = "gatehouse-test.permission-catalog.";

  @AfterEach
  void clear() {
    System.clearProperty(PREFIX + "client");
  }

  private static String configured() {
    return PermissionCatalogResourceProviderFactory.permissionsClient(new Config.SystemPropertiesScope(PREFIX));
  }

  @Test
  void withoutTheOptionThePermissionsClientIsTheMappersDefault() {
    assertThat(configured()).isEqualTo("gatehouse-permissions");
  }

  @Test
  void theOptionNamesTheClientTrimmed() {
    System.setProperty(PREFIX + "client", " acme-permissions ");

    assertThat(configured()).isEqualTo("acme-permissions");
  }

  @Test
  void aBlankOptionFallsBackToTheDefault() {
    System.setProperty(PREFIX + "client", "  ");

    assertThat(configured()).isEqualTo("gatehouse-permissions");
  }

  @Test
  void theOptionIsDeclaredForKeycloaksHelpAndValidation() {
    assertThat(new PermissionCatalogResourceProviderFactory().getConfigMetadata())
        .singleElement()
        .satisfies(option -> {
          assertThat(option.getName()).isEqualTo("client");
          assertThat(option.getDefaultValue()).isEqualTo("gatehouse-permissions");
        });
    assertThat(new PermissionCatalogResourceProviderFactory().getId()).isEqualTo("gatehouse-permissions");
  }
}
