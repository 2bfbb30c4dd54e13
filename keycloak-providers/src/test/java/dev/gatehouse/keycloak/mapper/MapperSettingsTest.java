package dev.gatehouse.keycloak.mapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class MapperSettingsTest {

    @Test
    void anEmptyConfigTakesEveryDefault() {
        MapperSettings settings = MapperSettings.from(Map.of());

        assertThat(settings.permissionsClient()).isEqualTo("gatehouse-permissions");
        assertThat(settings.claimName()).isEqualTo("permissions");
        assertThat(settings.rolesClaimName()).contains("roles");
        assertThat(settings.problems()).isEmpty();
    }

    @Test
    void configuredValuesAreTrimmedAndUsed() {
        MapperSettings settings = MapperSettings.from(Map.of(
                "permissions.client", " acme-permissions ",
                "claim.name", "acme.permissions",
                "roles.claim.name", "acme_roles"));

        assertThat(settings.permissionsClient()).isEqualTo("acme-permissions");
        assertThat(settings.claimName()).isEqualTo("acme.permissions");
        assertThat(settings.rolesClaimName()).contains("acme_roles");
    }

    @Test
    void blankPermissionsClientAndClaimNameFallBackToDefaults() {
        MapperSettings settings = MapperSettings.from(Map.of("permissions.client", "  ", "claim.name", ""));

        assertThat(settings.permissionsClient()).isEqualTo("gatehouse-permissions");
        assertThat(settings.claimName()).isEqualTo("permissions");
    }

    @Test
    void aPresentButBlankRolesClaimNameSwitchesTheRolesClaimOff() {
        assertThat(MapperSettings.from(Map.of("roles.claim.name", "")).rolesClaimName()).isEmpty();
        assertThat(MapperSettings.from(Map.of("roles.claim.name", "   ")).rolesClaimName()).isEmpty();

        Map<String, String> withNull = new HashMap<>();
        withNull.put("roles.claim.name", null);
        assertThat(MapperSettings.from(withNull).rolesClaimName()).isEqualTo(Optional.empty());
    }

    @Test
    void theSameNameForBothClaimsIsReportedWithAFix() {
        MapperSettings settings = MapperSettings.from(Map.of("claim.name", "perms", "roles.claim.name", "perms"));

        assertThat(settings.problems()).singleElement().asString()
                .contains("\"perms\"").doesNotContain("'")
                .contains("Choose two different claim names");
    }
}
