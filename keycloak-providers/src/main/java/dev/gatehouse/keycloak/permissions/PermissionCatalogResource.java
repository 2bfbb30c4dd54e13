package dev.gatehouse.keycloak.permissions;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import dev.gatehouse.keycloak.mapper.GrantedRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.RoleUtils;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

/**
 * {@code GET /realms/{realm}/gatehouse-permissions}: the names (and descriptions) of the permissions, i.e. the client
 * roles of the permissions client, and nothing else. For the gateway's admin API, which refuses to link names that are
 * not permissions. Keycloak's own admin API lists a client's roles only to holders of {@code view-clients}, which also
 * shows every client's secret; this endpoint needs only the realm role {@value #READER_ROLE}.
 * <p>
 * The caller sends an access token of this realm. It must hold {@value #READER_ROLE} and the token's client must have
 * it in scope, the rule Keycloak's admin API applies to its own roles ({@code AdminAuth.hasRealmRole}).
 * <p>
 * Sub-resources answer a role's, a user's or a client's service account's effective permissions, for the gateway's
 * policy tests ({@code POST /gatehouse/admin/policy-tests}). They expand roles as the permissions mapper does
 * ({@link GrantedRoles}): a realm role with its composites; a user's direct, group and default roles with composites
 * (what a token of a full-scope client carries); a service account's roles limited to its client's role scope and
 * default client scopes (what its client-credentials token carries).
 */
public final class PermissionCatalogResource {
  /**
   * A realm role, not a client role of the permissions client (that would itself be a permission, emitted into
   * tokens and linkable to activities), and not a role of the gateway's client (the endpoint would have to be told
   * which client that is).
   */
  public static final String READER_ROLE = "gatehouse-permission-reader";

  private final KeycloakSession session;
  private final RealmModel realm;
  private final String permissionsClient;

  PermissionCatalogResource(KeycloakSession session, String permissionsClient) {
    this.session = session;
    this.realm = session.getContext().getRealm();
    this.permissionsClient = permissionsClient;
  }

  @GET
  @Path("")
  @Produces(MediaType.APPLICATION_JSON)
  public Response list() {
    requireReader(authenticate());
    ClientModel client = realm.getClientByClientId(permissionsClient);
    if (client == null) {
      return error(Response.Status.NOT_FOUND, "permissions_client_not_found", "Realm '" + realm.getName()
          + "' has no client '" + permissionsClient + "', whose client roles would be the permissions. Create it, or"
          + " point Keycloak's option spi-realm-restapi-extension--gatehouse-permissions--client at the client the"
          + " permissions mapper names (permissions.client).");
    }
    List<PermissionCatalogViews.Permission> permissions = client.getRolesStream()
        .map(role -> new PermissionCatalogViews.Permission(role.getName(), role.getDescription()))
        .sorted(Comparator.comparing(PermissionCatalogViews.Permission::name))
        .toList();
    return Response.ok(new PermissionCatalogViews.Catalog(permissionsClient, permissions), MediaType.APPLICATION_JSON_TYPE)
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .build();
  }

  /** {@code GET .../gatehouse-permissions/roles/{name}/permissions}: a realm role's permissions, composites expanded. */
  @GET
  @Path("roles/{name}/permissions")
  @Produces(MediaType.APPLICATION_JSON)
  public Response rolePermissions(@PathParam("name") String name) {
    requireReader(authenticate());
    ClientModel client = permissionsClient();
    RoleModel role = realm.getRole(name);
    if (role == null) {
      return error(Response.Status.NOT_FOUND, "role_not_found", "Realm '" + realm.getName() + "' has no realm role '"
          + name + "'. Check the spelling (role names are case-sensitive), or name a user or client instead.");
    }
    Stream<RoleModel> roles = RoleUtils.expandCompositeRoles(Set.of(role)).stream();
    return subject("role", name, true, GrantedRoles.permissions(roles, client));
  }

  /** {@code GET .../gatehouse-permissions/users/{username}/permissions}: what a full-scope token of the user carries. */
  @GET
  @Path("users/{username}/permissions")
  @Produces(MediaType.APPLICATION_JSON)
  public Response userPermissions(@PathParam("username") String username) {
    requireReader(authenticate());
    ClientModel client = permissionsClient();
    UserModel user = session.users().getUserByUsername(realm, username);
    if (user == null) {
      return error(Response.Status.NOT_FOUND, "user_not_found", "Realm '" + realm.getName() + "' has no user with"
          + " username '" + username + "'. Usernames are stored in lower case; for a service account name its client"
          + " instead.");
    }
    Stream<RoleModel> roles = RoleUtils.getDeepUserRoleMappings(user).stream();
    return subject("user", username, user.isEnabled(), GrantedRoles.permissions(roles, client));
  }

  /** {@code GET .../gatehouse-permissions/clients/{clientId}/permissions}: what its client-credentials token carries. */
  @GET
  @Path("clients/{clientId}/permissions")
  @Produces(MediaType.APPLICATION_JSON)
  public Response clientPermissions(@PathParam("clientId") String clientId) {
    requireReader(authenticate());
    ClientModel permissions = permissionsClient();
    ClientModel client = realm.getClientByClientId(clientId);
    if (client == null) {
      return error(Response.Status.NOT_FOUND, "client_not_found", "Realm '" + realm.getName() + "' has no client '"
          + clientId + "'. Name the client by its Client ID, as in the admin console.");
    }
    UserModel account = client.isServiceAccountsEnabled() ? session.users().getServiceAccount(client) : null;
    if (account == null) {
      return error(Response.Status.NOT_FOUND, "client_not_found", "Client '" + clientId + "' of realm '"
          + realm.getName() + "' has no service account (service accounts are off), so it never gets a token of its"
          + " own. Name a user or role instead, or enable its service account.");
    }
    // The roles a client-credentials token without a scope parameter carries, as the permissions mapper sees them.
    Set<RoleModel> roles = TokenManager.getAccess(account, client,
        TokenManager.getRequestedClientScopes(session, null, client, account));
    return subject("client", clientId, client.isEnabled() && account.isEnabled(),
        GrantedRoles.permissions(roles.stream(), permissions));
  }

  /**
   * {@code GET .../gatehouse-permissions/permissions/{name}/roles}: the realm roles whose composite closure holds the
   * permission, sorted; granting any of them grants it. For "why was I denied?" (which roles would allow it). A name
   * that is not a permission answers 404 {@code permission_not_found}.
   */
  @GET
  @Path("permissions/{name}/roles")
  @Produces(MediaType.APPLICATION_JSON)
  public Response rolesCarrying(@PathParam("name") String name) {
    requireReader(authenticate());
    ClientModel client = permissionsClient();
    RoleModel permission = client.getRole(name);
    if (permission == null) {
      return error(Response.Status.NOT_FOUND, "permission_not_found", "Client '" + permissionsClient + "' of realm '"
          + realm.getName() + "' has no role '" + name + "', so no role carries that permission. Check the spelling"
          + " (names are case-sensitive).");
    }
    // RoleModel.hasRole searches the composite closure (a role holds itself and everything its composites hold).
    List<String> roles = realm.getRolesStream()
        .filter(role -> role.hasRole(permission))
        .map(RoleModel::getName)
        .sorted()
        .toList();
    return Response.ok(new PermissionCatalogViews.RolesCarrying(name, permissionsClient, roles),
            MediaType.APPLICATION_JSON_TYPE)
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .build();
  }

  private ClientModel permissionsClient() {
    ClientModel client = realm.getClientByClientId(permissionsClient);
    if (client == null) {
      throw new WebApplicationException(error(Response.Status.NOT_FOUND, "permissions_client_not_found", "Realm '"
          + realm.getName() + "' has no client '" + permissionsClient + "', whose client roles would be the"
          + " permissions. Create it, or point Keycloak's option"
          + " spi-realm-restapi-extension--gatehouse-permissions--client at the client the permissions mapper names."));
    }
    return client;
  }

  private Response subject(String kind, String name, boolean enabled, List<String> permissions) {
    return Response.ok(new PermissionCatalogViews.SubjectPermissions(kind, name, enabled, permissionsClient,
            permissions), MediaType.APPLICATION_JSON_TYPE)
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .build();
  }

  private AuthResult authenticate() {
    List<String> authorization = session.getContext().getRequestHeaders().getRequestHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null || authorization.isEmpty()) {
      // RFC 6750 section 3.1: no error code when the request carries no credential at all.
      throw unauthorized(null, "Send an access token of realm '" + realm.getName()
          + "': Authorization: Bearer <access token>.");
    }
    AuthResult auth;
    try {
      auth = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
    } catch (NotAuthorizedException e) {
      auth = null; // not a Bearer header, or more than one
    }
    if (auth == null) {
      throw unauthorized("invalid_token", "The access token is not valid for realm '" + realm.getName() + "' (expired, revoked, of"
          + " another realm or server, or not a Bearer token). Get a new one from this realm's token endpoint.");
    }
    return auth;
  }

  private void requireReader(AuthResult auth) {
    RoleModel reader = realm.getRole(READER_ROLE);
    if (reader == null) {
      throw new WebApplicationException(error(Response.Status.FORBIDDEN, "access_denied", "Realm '" + realm.getName()
          + "' has no realm role '" + READER_ROLE + "'. Create it and grant it to the caller (for the gateway: the"
          + " service account of its client)."));
    }
    if (!auth.user().hasRole(reader) || !auth.client().hasScope(reader)) {
      throw new WebApplicationException(error(Response.Status.FORBIDDEN, "access_denied", "Listing the permissions"
          + " needs the realm role '" + READER_ROLE + "', held by the caller and in the role scope of client '"
          + auth.client().getClientId() + "'. Grant it (for the gateway: to the service account of its client)."));
    }
  }

  private static WebApplicationException unauthorized(String oauthError, String description) {
    Response response = error(Response.Status.UNAUTHORIZED, oauthError == null ? "unauthorized" : oauthError,
        description);
    String challenge = oauthError == null ? "Bearer" : "Bearer error=\"" + oauthError + "\"";
    return new WebApplicationException(Response.fromResponse(response)
        .header(HttpHeaders.WWW_AUTHENTICATE, challenge).build());
  }

  private static Response error(Response.Status status, String error, String description) {
    return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .entity(new PermissionCatalogViews.Error(error, description)).build();
  }
}
