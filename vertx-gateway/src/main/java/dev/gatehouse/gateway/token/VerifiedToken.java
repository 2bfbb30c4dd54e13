package dev.gatehouse.gateway.token;

import java.util.Set;

/**
 * The claims the gateway relies on, from a token whose signature and claims were checked. {@code apiTokenId} is the
 * {@code api_token_id} claim of tokens Keycloak issued for a user's API token, null for every other token.
 */
public record VerifiedToken(
    String subject,
    String username,
    String email,
    Set<String> permissions,
    Set<String> roles,
    String authorizedParty,
    long expiresAtEpochSecond,
    String apiTokenId) {
  public VerifiedToken {
    permissions = Set.copyOf(permissions);
    roles = Set.copyOf(roles);
  }

  /** A token that did not come from an API token. */
  public VerifiedToken(String subject, String username, String email, Set<String> permissions, Set<String> roles,
      String authorizedParty, long expiresAtEpochSecond) {
    this(subject, username, email, permissions, roles, authorizedParty, expiresAtEpochSecond, null);
  }
}
