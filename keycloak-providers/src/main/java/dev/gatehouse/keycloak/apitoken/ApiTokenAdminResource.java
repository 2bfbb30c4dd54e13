package dev.gatehouse.keycloak.apitoken;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/api-tokens}: admins list and revoke any user's API tokens. Permissions are Keycloak's
 * own user permissions (view-users to list, manage-users to revoke, or the per-user grants of fine-grained admin
 * permissions, v1 or v2), checked through {@link AdminPermissionEvaluator} exactly as the stock user endpoints do.
 */
public final class ApiTokenAdminResource {
  private final KeycloakSession session;
  private final RealmModel realm;
  private final AdminPermissionEvaluator auth;
  private final AdminEventBuilder adminEvent;

  ApiTokenAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                        AdminEventBuilder adminEvent) {
    this.session = session;
    this.realm = realm;
    this.auth = auth;
    this.adminEvent = adminEvent.resource(ResourceType.USER);
  }

  @GET
  @Path("users/{userId}")
  @Produces(MediaType.APPLICATION_JSON)
  public List<ApiTokenViews.Listed> list(@PathParam("userId") String userId) {
    UserModel user = user(userId);
    auth.users().requireView(user);
    return tokens().list(user);
  }

  @DELETE
  @Path("users/{userId}/{id}")
  public Response revoke(@PathParam("userId") String userId, @PathParam("id") String id) {
    UserModel user = user(userId);
    auth.users().requireManage(user);
    Optional<ApiTokenCredentialModel> revoked = tokens().revoke(user, id);
    if (revoked.isEmpty()) {
      return RestErrors.notFound("User '" + userId + "' has no API token with id '" + id + "'.");
    }
    adminEvent.operation(OperationType.ACTION)
        .resourcePath(session.getContext().getUri())
        .representation(Map.of("credentialType", ApiTokenCredentialModel.TYPE, "id", id, "name", revoked.get().name()))
        .success();
    return Response.noContent().build();
  }

  private UserModel user(String userId) {
    UserModel user = session.users().getUserById(realm, userId);
    if (user == null) {
      // As Keycloak's user endpoints do: only admins who may query users learn that an id does not exist.
      if (!auth.users().canQuery()) {
        throw new ForbiddenException();
      }
      throw new WebApplicationException(RestErrors.notFound("No user with id '" + userId + "' in realm '"
          + realm.getName() + "'."));
    }
    return user;
  }

  private ApiTokens tokens() {
    return new ApiTokens(session, realm, Clock.systemUTC());
  }
}
