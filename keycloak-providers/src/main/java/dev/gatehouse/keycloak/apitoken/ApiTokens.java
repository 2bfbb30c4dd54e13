package dev.gatehouse.keycloak.apitoken;

import dev.gatehouse.keycloak.revocation.Revocation;
import dev.gatehouse.keycloak.revocation.RevocationEventListenerProviderFactory;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/** Creating, listing, revoking and resolving one realm's API tokens, on top of Keycloak's credential store. */
final class ApiTokens {
  /** Bounds the list a user can build up (and an admin has to review). */
  static final int MAX_TOKENS_PER_USER = 50;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ApiTokenHasher HASHER = new ApiTokenHasher(RANDOM);

  /** Why a token was refused; the descriptions are safe to show to the caller. */
  enum Refusal {
    MALFORMED("api_token_malformed", "API token malformed"),
    UNKNOWN("api_token_unknown", "API token revoked or unknown"),
    EXPIRED("api_token_expired", "API token expired"),
    USER_DISABLED("user_disabled", "user disabled"),
    ACCOUNT_NOT_SET_UP("resolve_required_action", "Account is not fully set up");

    final String eventError;
    final String description;

    Refusal(String eventError, String description) {
      this.eventError = eventError;
      this.description = description;
    }
  }

  /**
   * Either an owner and credential, or a refusal with whatever was learnt, for the event: the credential id the
   * token claims (unverified, but it lets admins spot a revoked token still in use), and the owner and credential
   * once the secret matched.
   */
  record Resolution(String claimedTokenId, UserModel owner, ApiTokenCredentialModel credential, Refusal refusal) {
    boolean resolved() {
      return refusal == null;
    }
  }

  private final KeycloakSession session;
  private final RealmModel realm;
  private final Clock clock;

  ApiTokens(KeycloakSession session, RealmModel realm, Clock clock) {
    this.session = session;
    this.realm = realm;
    this.clock = clock;
  }

  ApiTokenViews.Created create(UserModel owner, NewTokenRequest request) {
    if (!ApiTokenFormat.isEncodableId(owner.getId())) {
      throw new IllegalArgumentException("API tokens are not available for this account: its id is not a UUID"
          + " (users from an external user store). Ask an administrator.");
    }
    List<ApiTokenCredentialModel> existing = stored(owner).toList();
    if (existing.size() >= MAX_TOKENS_PER_USER) {
      throw new IllegalArgumentException("You already have " + existing.size() + " API tokens, the most allowed."
          + " Revoke the ones you no longer use first.");
    }
    if (existing.stream().anyMatch(token -> token.name().equals(request.name()))) {
      throw new IllegalArgumentException("You already have an API token named '" + request.name() + "'."
          + " Pick another name, or revoke that token first.");
    }
    String id = KeycloakModelUtils.generateId();
    String token = ApiTokenFormat.compose(owner.getId(), id, RANDOM);
    String payload = ApiTokenFormat.parse(token).orElseThrow().payload();
    Instant now = clock.instant();
    ApiTokenCredentialModel credential =
        ApiTokenCredentialModel.create(id, request.name(), now, request.expiresAt(), HASHER.hash(payload));
    CredentialModel created = owner.credentialManager().createStoredCredential(credential);
    ApiTokenCredentialModel stored = ApiTokenCredentialModel.from(created);
    return new ApiTokenViews.Created(stored.getId(), stored.name(), token, ApiTokenViews.iso(stored.createdAt()),
        ApiTokenViews.iso(stored.expiresAt()));
  }

  List<ApiTokenViews.Listed> list(UserModel owner) {
    return stored(owner)
        .sorted(Comparator.comparing(ApiTokenCredentialModel::createdAt).thenComparing(ApiTokenCredentialModel::getId))
        .map(ApiTokenViews.Listed::of)
        .toList();
  }

  /** The owner's token with that id, if it is one: another credential's or another user's id finds nothing. */
  Optional<ApiTokenCredentialModel> find(UserModel owner, String credentialId) {
    CredentialModel stored = owner.credentialManager().getStoredCredentialById(credentialId);
    if (stored == null || !ApiTokenCredentialModel.TYPE.equals(stored.getType())) {
      return Optional.empty();
    }
    return Optional.of(ApiTokenCredentialModel.from(stored));
  }

  /**
   * Removes the owner's token with that id; returns what was removed, or empty when there was no such token. The
   * gateways are told in the same transaction (they drop the token's cached resolution and its access tokens).
   */
  Optional<ApiTokenCredentialModel> revoke(UserModel owner, String credentialId) {
    Optional<ApiTokenCredentialModel> revoked = find(owner, credentialId)
        .filter(token -> owner.credentialManager().removeStoredCredentialById(token.getId()));
    revoked.ifPresent(token -> RevocationEventListenerProviderFactory.record(session, realm, List.of(Revocation.of(
        Revocation.Kind.API_TOKEN, token.getId(), Revocation.Reason.API_TOKEN_REVOKED, clock.millis()))));
    return revoked;
  }

  /**
   * Checks a presented token. The secret is verified before anything else about the token is revealed (expiry,
   * owner's state); unknown ids cost the same hashing time as known ones.
   */
  Resolution resolve(String token) {
    Optional<ApiTokenFormat.ParsedToken> parsed = ApiTokenFormat.parse(token);
    if (parsed.isEmpty()) {
      return new Resolution(null, null, null, Refusal.MALFORMED);
    }
    String claimedId = parsed.get().credentialId();
    String payload = parsed.get().payload();
    UserModel owner = session.users().getUserById(realm, parsed.get().userId());
    Optional<ApiTokenCredentialModel> credential = owner == null
        ? Optional.empty() : find(owner, parsed.get().credentialId());
    if (credential.isEmpty()) {
      HASHER.matchesNothing(payload);
      return new Resolution(claimedId, null, null, Refusal.UNKNOWN);
    }
    if (!HASHER.matches(payload, credential.get().storedHash())) {
      return new Resolution(claimedId, null, null, Refusal.UNKNOWN);
    }
    Instant now = clock.instant();
    if (ApiTokenRules.isExpired(credential.get().expiresAt(), now)) {
      return new Resolution(claimedId, owner, credential.get(), Refusal.EXPIRED);
    }
    if (!owner.isEnabled()) {
      return new Resolution(claimedId, owner, credential.get(), Refusal.USER_DISABLED);
    }
    if (owner.getRequiredActionsStream().findAny().isPresent()) {
      return new Resolution(claimedId, owner, credential.get(), Refusal.ACCOUNT_NOT_SET_UP);
    }
    return new Resolution(claimedId, owner, recordUse(owner, credential.get(), now), null);
  }

  private ApiTokenCredentialModel recordUse(UserModel owner, ApiTokenCredentialModel credential, Instant now) {
    if (!ApiTokenRules.shouldRecordUse(credential.lastUsedAt(), now)) {
      return credential;
    }
    ApiTokenCredentialModel used = credential.usedAt(now);
    owner.credentialManager().updateStoredCredential(used);
    return used;
  }

  private Stream<ApiTokenCredentialModel> stored(UserModel owner) {
    return owner.credentialManager().getStoredCredentialsByTypeStream(ApiTokenCredentialModel.TYPE)
        .map(ApiTokenCredentialModel::from);
  }
}
