package dev.gatehouse.keycloak.mapper;

import static dev.gatehouse.keycloak.mapper.GrantedRole.clientRole;
import static dev.gatehouse.keycloak.mapper.GrantedRole.realmRole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.List;

import org.junit.jupiter.api.Test;

class PermissionResolverTest {

    private static final String PERMISSIONS_CLIENT = "a1b2-permissions-internal-id";
    private static final String OTHER_CLIENT = "c3d4-account-internal-id";

    @Test
    void permissionsAreTheRolesOfThePermissionsClientSortedAndDistinct() {
        List<GrantedRole> roles = List.of(
                clientRole("view-users", PERMISSIONS_CLIENT),
                clientRole("manage-roles", PERMISSIONS_CLIENT),
                clientRole("view-users", PERMISSIONS_CLIENT),
                clientRole("view-skills", PERMISSIONS_CLIENT));

        assertThat(PermissionResolver.permissions(roles, PERMISSIONS_CLIENT))
                .containsExactly("manage-roles", "view-skills", "view-users");
    }

    @Test
    void rolesOfOtherClientsAndRealmRolesAreNeverPermissions() {
        List<GrantedRole> roles = List.of(
                clientRole("manage-account", OTHER_CLIENT),
                clientRole("view-users", OTHER_CLIENT),
                realmRole("view-skills"),
                realmRole("admin"),
                clientRole("submit-ideas", PERMISSIONS_CLIENT));

        assertThat(PermissionResolver.permissions(roles, PERMISSIONS_CLIENT)).containsExactly("submit-ideas");
    }

    @Test
    void noPermissionRolesGiveAnEmptyList() {
        assertThat(PermissionResolver.permissions(List.of(realmRole("fellow")), PERMISSIONS_CLIENT)).isEmpty();
        assertThat(PermissionResolver.permissions(List.of(), PERMISSIONS_CLIENT)).isEmpty();
    }

    @Test
    void aMissingPermissionsClientCannotBePassedAsNull() {
        List<GrantedRole> realmRoles = List.of(realmRole("admin"));
        assertThatNullPointerException().isThrownBy(() -> PermissionResolver.permissions(realmRoles, null));
    }

    @Test
    void realmRolesAreSortedDistinctAndWithoutKeycloakPlumbing() {
        List<GrantedRole> roles = List.of(
                realmRole("talent-manager"),
                realmRole("default-roles-gatehouse"),
                realmRole("offline_access"),
                realmRole("uma_authorization"),
                realmRole("fellow"),
                realmRole("fellow"),
                clientRole("view-users", PERMISSIONS_CLIENT),
                clientRole("manage-account", OTHER_CLIENT));

        assertThat(PermissionResolver.realmRoles(roles, "default-roles-gatehouse"))
                .containsExactly("fellow", "talent-manager");
    }

    @Test
    void aRealmWithoutDefaultRolesKeepsEveryOtherRealmRole() {
        List<GrantedRole> roles = List.of(realmRole("admin"), realmRole("default-roles-gatehouse"));

        assertThat(PermissionResolver.realmRoles(roles, null)).containsExactly("admin", "default-roles-gatehouse");
    }

    @Test
    void aClientRoleNamedLikeARealmRoleIsNotARealmRole() {
        List<GrantedRole> roles = List.of(clientRole("admin", OTHER_CLIENT));

        assertThat(PermissionResolver.realmRoles(roles, "default-roles-gatehouse")).isEmpty();
    }
}
