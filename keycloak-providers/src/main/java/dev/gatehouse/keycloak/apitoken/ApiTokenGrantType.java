package dev.gatehouse.keycloak.apitoken;

import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.Set;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeBase;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.managers.UserSessionManager;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;

/**
 * {@code grant_type=urn:gatehouse:params:oauth:grant-type:api-token}: a confidential client that is allowed to (the
 * client attribute {@value #CLIENT_SWITCH}) turns an API token into a short-lived access token for the token's owner,
 * built by the usual token machinery, so it carries the owner's current roles and permissions through the client's
 * scopes and mappers, plus the claim {@value #TOKEN_ID_CLAIM}.
 * <p>
 * Public clients are refused: anyone can present a public client's id, so the grant would become an open oracle for
 * guessing tokens and a way around the gateway's cache and rate limit. No refresh token is issued: the API token is
 * the long-lived credential, and each resolution must see revocation, expiry, a disabled owner and role changes.
 * The session is transient (nothing is stored per resolution).
 */
public final class ApiTokenGrantType extends OAuth2GrantTypeBase {
  public static final String GRANT_TYPE = "urn:gatehouse:params:oauth:grant-type:api-token";
  public static final String TOKEN_PARAM = "api_token";
  public static final String TOKEN_ID_CLAIM = "api_token_id";
  public static final String CLIENT_SWITCH = "gatehouse.api-token.grant.enabled";
  /** Event detail naming the credential, so admins can trace a token's use. */
  public static final String EVENT_TOKEN_ID = "api_token_id";

  @Override
  public Response process(Context context) {
    setContext(context);
    requireAllowedClient();
    String apiToken = formParams.getFirst(TOKEN_PARAM);
    if (apiToken == null || apiToken.isBlank()) {
      throw refuse(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST,
          "Missing form parameter: " + TOKEN_PARAM);
    }
    String scope = getRequestedScopes();

    ApiTokens.Resolution resolution = new ApiTokens(session, realm, Clock.systemUTC()).resolve(apiToken);
    if (resolution.claimedTokenId() != null) {
      event.detail(EVENT_TOKEN_ID, resolution.claimedTokenId());
    }
    if (resolution.owner() != null) {
      event.user(resolution.owner()).detail(Details.USERNAME, resolution.owner().getUsername());
    }
    if (!resolution.resolved()) {
      throw refuse(OAuthErrorException.INVALID_GRANT, resolution.refusal().eventError, resolution.refusal().description);
    }
    UserModel owner = resolution.owner();
    if (!TokenManager.verifyConsentStillAvailable(session, owner, client, null, scope)) {
      throw refuse(OAuthErrorException.INVALID_SCOPE, Errors.CONSENT_DENIED,
          "The owner has not consented to client " + client.getClientId());
    }

    RootAuthenticationSessionModel rootAuthSession =
        new AuthenticationSessionManager(session).createAuthenticationSession(realm, false);
    AuthenticationSessionModel authSession = rootAuthSession.createAuthenticationSession(client);
    authSession.setAuthenticatedUser(owner);
    authSession.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
    authSession.setClientNote(OIDCLoginProtocol.ISSUER,
        Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()));
    authSession.setClientNote(OIDCLoginProtocol.SCOPE_PARAM, scope);
    AuthenticationManager.setClientScopesInSession(session, authSession);

    UserSessionModel userSession = new UserSessionManager(session).createUserSession(rootAuthSession.getId(), realm,
        owner, owner.getUsername(), clientConnection.getRemoteHost(), "api-token", false, null, null,
        UserSessionModel.SessionPersistenceState.TRANSIENT);
    ClientSessionContext clientSessionCtx = TokenManager.attachAuthenticationSession(session, userSession, authSession);

    // No scope param here: an ID token is for a client that logs a user in, not for calls on the user's behalf.
    TokenManager.AccessTokenResponseBuilder responseBuilder =
        createTokenResponseBuilder(owner, userSession, clientSessionCtx, null, null);
    AccessToken accessToken = responseBuilder.getAccessToken();
    accessToken.getOtherClaims().put(TOKEN_ID_CLAIM, resolution.credential().getId());
    accessToken.exp(ApiTokenRules.accessTokenExpiry(accessToken.getExp(), resolution.credential().expiresAt()));
    return createTokenResponse(responseBuilder, clientSessionCtx, false);
  }

  private void requireAllowedClient() {
    if (client.isPublicClient()) {
      throw refuse(OAuthErrorException.UNAUTHORIZED_CLIENT, Errors.NOT_ALLOWED,
          "Public clients cannot resolve API tokens; use a confidential client allowed to (" + CLIENT_SWITCH + ").");
    }
    if (!isEnabledFor(client)) {
      throw refuse(OAuthErrorException.UNAUTHORIZED_CLIENT, Errors.NOT_ALLOWED, "Client '" + client.getClientId()
          + "' may not resolve API tokens: set its attribute " + CLIENT_SWITCH + " to true.");
    }
  }

  static boolean isEnabledFor(ClientModel client) {
    return Boolean.parseBoolean(client.getAttribute(CLIENT_SWITCH));
  }

  private CorsErrorResponseException refuse(String oauthError, String eventError, String description) {
    event.detail(Details.REASON, description);
    event.error(eventError);
    return new CorsErrorResponseException(cors, oauthError, description, Response.Status.BAD_REQUEST);
  }

  @Override
  protected boolean useRefreshToken() {
    return false;
  }

  /**
   * Access tokens from this grant are for Gatehouse's services only. Keycloak's own bearer-authenticated APIs
   * (account, admin, {@code /api-tokens}) refuse them, so a leaked API token cannot manage the account or mint more
   * API tokens.
   */
  @Override
  public boolean isTokenAllowed(KeycloakSession session, AccessToken token) {
    return false;
  }

  @Override
  public EventType getEventType() {
    return EventType.OAUTH2_EXTENSION_GRANT;
  }

  @Override
  public Set<String> getTokenParameterNames() {
    return Set.of(TOKEN_PARAM);
  }
}
