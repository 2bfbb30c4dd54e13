package dev.gatehouse.keycloak.mapper;

import java.util.List;
import java.util.stream.Stream;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RoleModel;

/**
 * Keycloak's role models reduced to {@link GrantedRole}s, and the permission names among them. Shared by the token
 * mapper and the permission catalog's "effective permissions of a role, user or client" endpoints, so a policy test
 * resolves permissions exactly as a token would carry them.
 */
public final class GrantedRoles {
    private GrantedRoles() {
    }

    public static List<GrantedRole> of(Stream<RoleModel> roles) {
        return roles.map(GrantedRoles::of).toList();
    }

    /** The permissions among {@code roles} (already expanded and scoped by the caller), sorted, without duplicates. */
    public static List<String> permissions(Stream<RoleModel> roles, ClientModel permissionsClient) {
        return PermissionResolver.permissions(of(roles), permissionsClient.getId());
    }

    private static GrantedRole of(RoleModel role) {
        return role.isClientRole()
                ? GrantedRole.clientRole(role.getName(), role.getContainerId())
                : GrantedRole.realmRole(role.getName());
    }
}
