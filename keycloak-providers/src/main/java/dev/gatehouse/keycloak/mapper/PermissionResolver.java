package dev.gatehouse.keycloak.mapper;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a subject's effective roles into the two claim values: permissions and realm roles.
 * <p>
 * Plain Java on purpose: the rules live here and are tested without a Keycloak server. The caller
 * supplies the roles already expanded (groups, composites, default roles) and already filtered by
 * the requesting client's role scope.
 */
public final class PermissionResolver {

    /** Keycloak's own plumbing roles: present for nearly every user and meaningless to services. */
    static final Set<String> KEYCLOAK_INTERNAL_REALM_ROLES = Set.of("offline_access", "uma_authorization");

    private PermissionResolver() {
    }

    /**
     * The names of the roles owned by the permissions client, sorted and without duplicates.
     *
     * @param permissionsClientId the internal id of the permissions client (never its display clientId guess:
     *                            the caller must have found the client, so a missing client cannot widen this)
     */
    public static List<String> permissions(Collection<GrantedRole> roles, String permissionsClientId) {
        Objects.requireNonNull(permissionsClientId, "permissionsClientId");
        return roles.stream()
                .filter(role -> role.isOwnedBy(permissionsClientId))
                .map(GrantedRole::name)
                .distinct()
                .sorted()
                .toList();
    }

    /**
     * The names of the realm roles, sorted and without duplicates, leaving out the realm's default-roles
     * composite (its members are listed anyway) and {@link #KEYCLOAK_INTERNAL_REALM_ROLES}.
     */
    public static List<String> realmRoles(Collection<GrantedRole> roles, String defaultRolesName) {
        return roles.stream()
                .filter(GrantedRole::isRealmRole)
                .map(GrantedRole::name)
                .filter(name -> !name.equals(defaultRolesName) && !KEYCLOAK_INTERNAL_REALM_ROLES.contains(name))
                .distinct()
                .sorted()
                .toList();
    }
}
