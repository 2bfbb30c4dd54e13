package dev.gatehouse.keycloak.apitoken;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

/**
 * {@code /realms/{realm}/api-tokens}: a user manages their own API tokens, authenticated with their own access token.
 * Access tokens that were themselves resolved from an API token are refused (see {@link ApiTokenGrantType}), so a
 * leaked API token cannot mint more tokens. Creation and revocation are recorded as {@code UPDATE_CREDENTIAL} and
 * {@code REMOVE_CREDENTIAL} events with {@code credential_type=gatehouse-api-token}.
 */
public final class ApiTokenResource {
  private final KeycloakSession session;
  private final RealmModel realm;

  ApiTokenResource(KeycloakSession session) {
    this.session = session;
    this.realm = session.getContext().getRealm();
  }

  @POST
  @Path("")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response create(String body) {
    AuthResult auth = authenticate();
    ApiTokens tokens = new ApiTokens(session, realm, Clock.systemUTC());
    ApiTokenViews.Created created;
    try {
      created = tokens.create(auth.user(), NewTokenRequest.parse(body, Clock.systemUTC().instant()));
    } catch (IllegalArgumentException e) {
      return RestErrors.badRequest(e.getMessage());
    }
    event(EventType.UPDATE_CREDENTIAL, auth, created.id(), created.name()).success();
    return Response.status(Response.Status.CREATED).entity(created).type(MediaType.APPLICATION_JSON_TYPE).build();
  }

  @GET
  @Path("")
  @Produces(MediaType.APPLICATION_JSON)
  public List<ApiTokenViews.Listed> list() {
    return new ApiTokens(session, realm, Clock.systemUTC()).list(authenticate().user());
  }

  @DELETE
  @Path("{id}")
  public Response revoke(@PathParam("id") String id) {
    AuthResult auth = authenticate();
    Optional<ApiTokenCredentialModel> revoked = new ApiTokens(session, realm, Clock.systemUTC()).revoke(auth.user(), id);
    if (revoked.isEmpty()) {
      return RestErrors.notFound("You have no API token with id '" + id + "'. List yours with GET on this collection.");
    }
    event(EventType.REMOVE_CREDENTIAL, auth, id, revoked.get().name()).success();
    return Response.noContent().build();
  }

  private AuthResult authenticate() {
    AuthResult auth = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
    if (auth == null) {
      throw RestErrors.unauthorized("Send your access token of this realm: Authorization: Bearer <access token>.");
    }
    if (auth.token().getOtherClaims().containsKey(ApiTokenGrantType.TOKEN_ID_CLAIM)) {
      // Keycloak refuses these already (ApiTokenGrantType.isTokenAllowed); this stays in case that hook ever changes.
      throw RestErrors.unauthorized("An access token obtained with an API token cannot manage API tokens."
          + " Sign in as yourself.");
    }
    if (auth.user().getServiceAccountClientLink() != null) {
      throw RestErrors.forbidden("Service accounts cannot hold API tokens: use the client's own credentials.");
    }
    return auth;
  }

  private EventBuilder event(EventType type, AuthResult auth, String credentialId, String name) {
    return new EventBuilder(realm, session, session.getContext().getConnection())
        .event(type)
        .client(auth.client())
        .user(auth.user())
        .detail(Details.CREDENTIAL_TYPE, ApiTokenCredentialModel.TYPE)
        .detail(Details.CREDENTIAL_ID, credentialId)
        .detail(Details.CREDENTIAL_USER_LABEL, name);
  }
}
