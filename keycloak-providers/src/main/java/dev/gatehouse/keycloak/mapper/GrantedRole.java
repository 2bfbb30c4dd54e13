package dev.gatehouse.keycloak.mapper;

import java.util.Objects;

/**
 * One effective role of a token's subject, reduced to what permission resolution needs.
 *
 * @param name           the role's name
 * @param owningClientId the internal id of the client that owns the role, or {@code null} for a realm role
 */
public record GrantedRole(String name, String owningClientId) {

    public GrantedRole {
        Objects.requireNonNull(name, "name");
    }

    public static GrantedRole realmRole(String name) {
        return new GrantedRole(name, null);
    }

    public static GrantedRole clientRole(String name, String owningClientId) {
        return new GrantedRole(name, Objects.requireNonNull(owningClientId, "owningClientId"));
    }

    public boolean isRealmRole() {
        return owningClientId == null;
    }

    public boolean isOwnedBy(String clientId) {
        return owningClientId != null && owningClientId.equals(clientId);
    }
}
