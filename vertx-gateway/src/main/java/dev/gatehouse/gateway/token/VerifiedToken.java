package dev.gatehouse.gateway.token;

import java.util.Set;

/**
 * The claims the gateway relies on, from a token whose signature and claims were checked. {@code apiTokenId} is the
 * {@code api_token_id} claim of tokens Keycloak issued for a user's API token, null for every other token.
 * {@code sessionId} is the {@code sid} claim (null when absent) and {@code issuedAtEpochSecond} the {@code iat} claim
 * (0 when absent, so that any revocation of one of the token's keys refuses it): live revocation compares them.
 */
public record VerifiedToken(
    String subject,
    String username,
    String email,
    Set<String> permissions,
    Set<String> roles,
    String authorizedParty,
    long expiresAtEpochSecond,
    String apiTokenId,
    String sessionId,
    long issuedAtEpochSecond) {
  public VerifiedToken {
    permissions = Set.copyOf(permissions);
    roles = Set.copyOf(roles);
  }

  /** Without {@code sid} and {@code iat}. */
  public VerifiedToken(String subject, String username, String email, Set<String> permissions, Set<String> roles,
      String authorizedParty, long expiresAtEpochSecond, String apiTokenId) {
    this(subject, username, email, permissions, roles, authorizedParty, expiresAtEpochSecond, apiTokenId, null, 0);
  }

  /** A token that did not come from an API token. */
  public VerifiedToken(String subject, String username, String email, Set<String> permissions, Set<String> roles,
      String authorizedParty, long expiresAtEpochSecond) {
    this(subject, username, email, permissions, roles, authorizedParty, expiresAtEpochSecond, null);
  }
}
