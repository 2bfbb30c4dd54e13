package dev.gatehouse.gateway.admin;

import java.util.Set;

/**
 * A subject's effective permissions as its tokens carry them; {@code enabled} false for a disabled user or client,
 * which gets no token at all.
 */
public record SubjectPermissions(Set<String> permissions, boolean enabled) {}
