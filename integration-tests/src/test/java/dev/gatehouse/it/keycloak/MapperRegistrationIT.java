package dev.gatehouse.it.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin console's "Add mapper → By configuration" list comes from serverinfo: our mapper must be there. */
@ExtendWith(RealKeycloak.class)
class MapperRegistrationIT {

  @Test
  void serverInfoOffersThePermissionsMapperWithHelpTextAndItsSettings(KeycloakServer keycloak) {
    JsonNode serverInfo = keycloak.admin().serverInfo().expect(200).json();

    JsonNode mapper = null;
    for (JsonNode type : serverInfo.path("protocolMapperTypes").path("openid-connect")) {
      if ("gatehouse-permissions-mapper".equals(type.path("id").asText())) {
        mapper = type;
      }
    }
    assertThat(mapper).as("gatehouse-permissions-mapper in serverinfo's openid-connect mapper types").isNotNull();
    assertThat(mapper.path("name").asText()).isEqualTo("Gatehouse permissions");
    assertThat(mapper.path("helpText").asText()).contains("permissions client");
    List<String> settings = new ArrayList<>();
    mapper.path("properties").forEach(property -> settings.add(property.path("name").asText()));
    assertThat(settings).contains("permissions.client", "claim.name", "roles.claim.name", "access.token.claim",
        "id.token.claim", "userinfo.token.claim", "introspection.token.claim", "lightweight.claim");
  }
}
