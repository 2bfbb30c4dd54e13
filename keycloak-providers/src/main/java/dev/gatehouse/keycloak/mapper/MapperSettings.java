package dev.gatehouse.keycloak.mapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mapper's own configuration, read from a mapper model's config map with defaults applied.
 *
 * @param permissionsClient the clientId (as shown in the console) of the client whose roles are permissions
 * @param claimName         where the permissions go
 * @param rolesClaimName    where the realm roles go; empty when they should not be emitted
 */
public record MapperSettings(String permissionsClient, String claimName, Optional<String> rolesClaimName) {

    public static final String PERMISSIONS_CLIENT = "permissions.client";
    /** Same key as Keycloak's {@code OIDCAttributeMapperHelper.TOKEN_CLAIM_NAME}. */
    public static final String CLAIM_NAME = "claim.name";
    public static final String ROLES_CLAIM_NAME = "roles.claim.name";

    public static final String DEFAULT_PERMISSIONS_CLIENT = "gatehouse-permissions";
    public static final String DEFAULT_CLAIM_NAME = "permissions";
    public static final String DEFAULT_ROLES_CLAIM_NAME = "roles";

    /**
     * A missing or blank key takes its default, except {@value #ROLES_CLAIM_NAME}: present but blank
     * switches the roles claim off, so an admin can clear the field to drop it.
     */
    public static MapperSettings from(Map<String, String> config) {
        String rolesClaim = config.containsKey(ROLES_CLAIM_NAME)
                ? trimmed(config.get(ROLES_CLAIM_NAME))
                : DEFAULT_ROLES_CLAIM_NAME;
        return new MapperSettings(
                orDefault(config.get(PERMISSIONS_CLIENT), DEFAULT_PERMISSIONS_CLIENT),
                orDefault(config.get(CLAIM_NAME), DEFAULT_CLAIM_NAME),
                rolesClaim.isEmpty() ? Optional.empty() : Optional.of(rolesClaim));
    }

    /** Problems an admin must fix before saving; empty when the settings are usable. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (rolesClaimName.filter(claimName::equals).isPresent()) {
            // Double quotes only: Keycloak passes the message through MessageFormat, which eats single quotes.
            problems.add(CLAIM_NAME + " and " + ROLES_CLAIM_NAME + " are both \"" + claimName
                    + "\": the roles would overwrite the permissions. Choose two different claim names,"
                    + " or clear " + ROLES_CLAIM_NAME + " to leave the roles out.");
        }
        return problems;
    }

    private static String orDefault(String value, String fallback) {
        String trimmed = trimmed(value);
        return trimmed.isEmpty() ? fallback : trimmed;
    }

    private static String trimmed(String value) {
        return value == null ? "" : value.trim();
    }
}
