package dev.gatehouse.gateway.token;

import java.util.Set;

/** The claims the gateway relies on, from a token whose signature and claims were checked. */
public record VerifiedToken(
    String subject,
    String username,
    String email,
    Set<String> permissions,
    Set<String> roles,
    String authorizedParty,
    long expiresAtEpochSecond) {
  public VerifiedToken {
    permissions = Set.copyOf(permissions);
    roles = Set.copyOf(roles);
  }
}
