package dev.gatehouse.keycloak.mapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.protocol.ProtocolMapperConfigException;
import org.keycloak.provider.ProviderConfigProperty;

/** Checks the mapper's declared surface; its claim logic is covered by the resolver tests and the ITs. */
class PermissionsMapperTest {

    private final PermissionsMapper mapper = new PermissionsMapper();

    @Test
    void declaresItsIdAndPlacesItselfBesideTheBuiltInTokenMappers() {
        assertThat(mapper.getId()).isEqualTo("gatehouse-permissions-mapper");
        assertThat(mapper.getDisplayType()).isEqualTo("Gatehouse permissions");
        assertThat(mapper.getDisplayCategory()).isEqualTo("Token mapper");
        assertThat(mapper.getProtocol()).isEqualTo("openid-connect");
        assertThat(mapper.getHelpText()).contains("permissions client");
    }

    @Test
    void declaresEveryConfigKeyOnceWithItsDefault() {
        Map<String, Object> defaults = mapper.getConfigProperties().stream()
                .collect(Collectors.toMap(ProviderConfigProperty::getName,
                        p -> String.valueOf(p.getDefaultValue())));

        assertThat(defaults).containsEntry("permissions.client", "gatehouse-permissions")
                .containsEntry("claim.name", "permissions")
                .containsEntry("roles.claim.name", "roles")
                .containsEntry("access.token.claim", "true")
                .containsEntry("id.token.claim", "true")
                .containsEntry("userinfo.token.claim", "true")
                .containsEntry("introspection.token.claim", "true")
                .containsEntry("lightweight.claim", "false");
        assertThat(mapper.getConfigProperties()).hasSize(defaults.size());
    }

    @Test
    void rejectsCollidingClaimNamesWithAMessageKeySoTheAdminApiAnswers400() {
        ProtocolMapperConfigException rejection = catchThrowableOfType(ProtocolMapperConfigException.class,
                () -> mapper.validateConfig(null, null, null, model(Map.of("claim.name", "x", "roles.claim.name", "x"))));

        assertThat(rejection.getMessage()).contains("Choose two different claim names");
        assertThat(rejection.getMessageKey()).as("a null key makes Keycloak answer 500").isNotNull();
    }

    @Test
    void acceptsTheDefaultsAndAnEmptyConfig() {
        assertThatCode(() -> mapper.validateConfig(null, null, null, model(Map.of()))).doesNotThrowAnyException();
    }

    private static ProtocolMapperModel model(Map<String, String> config) {
        ProtocolMapperModel model = new ProtocolMapperModel();
        model.setName("permissions");
        model.setProtocolMapper(PermissionsMapper.PROVIDER_ID);
        model.setConfig(new HashMap<>(config));
        return model;
    }
}
