package dev.gatehouse.keycloak.apitoken;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.utils.ModelToRepresentation;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/api-tokens}: admins list and revoke any user's API tokens. Permissions are Keycloak's
 * own user permissions (view-users to list, manage-users to revoke, or the per-user grants of fine-grained admin
 * permissions, v1 or v2), checked through {@link AdminPermissionEvaluator} exactly as the stock user endpoints do.
 *
 * <p>Robot users ({@link RobotUsers}): {@code POST robots} creates a user who cannot sign in, {@code GET robots}
 * lists them, and {@code POST users/{userId}/tokens} issues an API token for a robot only (manage-users; shown in
 * that answer once; recorded as an admin event without the token). A person's tokens stay theirs alone to create.
 * {@code GET robots/{userId}/roles}, {@code PUT} and {@code DELETE robots/{userId}/roles/{role}} list, give and take a
 * robot's realm roles (robots only; never the default role, Keycloak admin roles or Gatehouse's reserved roles, see
 * {@link RobotRoles}), recorded as the stock role-mapping admin events.
 */
public final class ApiTokenAdminResource {
  /**
   * A realm role for a robot-only administrator (the gateway's service account, for its console): instead of
   * Keycloak's manage-users, which would let it manage every person too.
   */
  public static final String ROBOT_MANAGER_ROLE = "gatehouse-robot-manager";

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
    if (!robotManagerOf(user)) {
      auth.users().requireView(user);
    }
    return tokens().list(user);
  }

  @DELETE
  @Path("users/{userId}/{id}")
  public Response revoke(@PathParam("userId") String userId, @PathParam("id") String id) {
    UserModel user = user(userId);
    if (!robotManagerOf(user)) {
      auth.users().requireManage(user);
    }
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

  @POST
  @Path("robots")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response createRobot(String body) {
    if (!robotManager()) {
      auth.users().requireManage();
    }
    RobotUsers.NewRobot request;
    try {
      request = RobotUsers.NewRobot.parse(body);
    } catch (IllegalArgumentException e) {
      return RestErrors.badRequest(e.getMessage());
    }
    if (session.users().getUserByUsername(realm, request.username()) != null) {
      return RestErrors.conflict("A user named '" + request.username() + "' exists already. Pick another name.");
    }
    UserModel robot;
    try {
      robot = RobotUsers.create(session, realm, request);
    } catch (ModelDuplicateException e) {
      return RestErrors.conflict("A user named '" + request.username() + "' exists already. Pick another name.");
    }
    RobotUsers.View view = RobotUsers.View.of(robot);
    adminEvent.operation(OperationType.CREATE)
        .resourcePath(session.getContext().getUri(), robot.getId())
        .representation(view)
        .success();
    return Response.status(Response.Status.CREATED).entity(view).type(MediaType.APPLICATION_JSON_TYPE).build();
  }

  @GET
  @Path("robots")
  @Produces(MediaType.APPLICATION_JSON)
  public List<RobotUsers.View> listRobots() {
    boolean robotManager = robotManager();
    if (!robotManager) {
      auth.users().requireQuery();
    }
    return session.users().searchForUserByUserAttributeStream(realm, RobotUsers.MARKER, "true")
        .filter(robot -> robotManager || auth.users().canView(robot))
        .map(RobotUsers.View::of)
        .toList();
  }

  @POST
  @Path("users/{userId}/tokens")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response issueForRobot(@PathParam("userId") String userId, String body) {
    UserModel user = user(userId);
    if (!robotManager()) {
      auth.users().requireManage(user);
    }
    if (!RobotUsers.isRobot(user)) {
      throw RestErrors.forbidden("'" + user.getUsername() + "' is not a robot user: a person's API tokens are theirs"
          + " alone to create, signed in as themselves. Create a robot user (POST .../api-tokens/robots) for a third"
          + " party instead.");
    }
    String signIn = RobotUsers.signInPath(session, realm, user);
    if (signIn != null) {
      return RestErrors.conflict("'" + user.getUsername() + "' is marked as a robot but can sign in (" + signIn
          + "). Remove that first: a robot reaches the system only through its API tokens.");
    }
    ApiTokenViews.Created created;
    try {
      created = tokens().create(user, NewTokenRequest.parse(body, Clock.systemUTC().instant()));
    } catch (IllegalArgumentException e) {
      return RestErrors.badRequest(e.getMessage());
    }
    adminEvent.operation(OperationType.ACTION)
        .resourcePath(session.getContext().getUri())
        .representation(Map.of("credentialType", ApiTokenCredentialModel.TYPE, "id", created.id(),
            "name", created.name()))
        .success();
    return Response.status(Response.Status.CREATED).entity(created).type(MediaType.APPLICATION_JSON_TYPE).build();
  }

  /** A robot's realm roles and those it may be given (robot managers, or admins who may map this user's roles). */
  @GET
  @Path("robots/{userId}/roles")
  @Produces(MediaType.APPLICATION_JSON)
  public RobotRoles.Listing robotRoles(@PathParam("userId") String userId) {
    UserModel robot = robot(userId, false);
    return RobotRoles.of(realm, robot);
  }

  /** Gives a robot a realm role; recorded as the stock role-mapping admin event (so tokens are revoked as usual). */
  @PUT
  @Path("robots/{userId}/roles/{role}")
  @Produces(MediaType.APPLICATION_JSON)
  public Response grantRobotRole(@PathParam("userId") String userId, @PathParam("role") String roleName) {
    return changeRobotRole(userId, roleName, true);
  }

  @DELETE
  @Path("robots/{userId}/roles/{role}")
  @Produces(MediaType.APPLICATION_JSON)
  public Response removeRobotRole(@PathParam("userId") String userId, @PathParam("role") String roleName) {
    return changeRobotRole(userId, roleName, false);
  }

  private Response changeRobotRole(String userId, String roleName, boolean grant) {
    UserModel robot = robot(userId, true);
    RoleModel role = realm.getRole(roleName);
    if (role == null) {
      return RestErrors.notFound("There is no realm role named '" + roleName + "' in realm '" + realm.getName()
          + "'. Pick one of the roles listed as assignable.");
    }
    if (!robotManager()) {
      auth.roles().requireMapRole(role);
    }
    String refusal = RobotRoles.refusal(realm, role);
    if (refusal != null) {
      throw RestErrors.forbidden(refusal);
    }
    boolean has = robot.getRealmRoleMappingsStream().anyMatch(mapped -> mapped.getId().equals(role.getId()));
    if (grant != has) {
      if (grant) {
        robot.grantRole(role);
      } else {
        robot.deleteRoleMapping(role);
      }
      // The stock endpoint's event (users/{id}/role-mappings/realm, the roles as representation): listeners such as
      // Gatehouse's revocation relay treat it exactly like a change made in Keycloak's console.
      adminEvent.resource(ResourceType.REALM_ROLE_MAPPING)
          .operation(grant ? OperationType.CREATE : OperationType.DELETE)
          .resourcePath("users", robot.getId(), "role-mappings", "realm")
          .representation(List.of(ModelToRepresentation.toBriefRepresentation(role)))
          .success();
    }
    return Response.ok(RobotRoles.of(realm, robot), MediaType.APPLICATION_JSON_TYPE).build();
  }

  /** The robot {@code userId}; a person is refused (403, naming only the id) whatever the caller's rights. */
  private UserModel robot(String userId, boolean change) {
    UserModel user = user(userId);
    if (!RobotUsers.isRobot(user)) {
      throw RestErrors.forbidden("User '" + userId + "' is not a robot user: a person's roles are given in Keycloak's"
          + " admin console, never here.");
    }
    if (!robotManager()) {
      if (change) {
        auth.users().requireMapRoles(user);
      } else {
        auth.users().requireView(user);
      }
    }
    String signIn = RobotUsers.signInPath(session, realm, user);
    if (signIn != null) {
      throw new WebApplicationException(RestErrors.conflict("'" + user.getUsername() + "' is marked as a robot but"
          + " can sign in (" + signIn + "). Remove that first: a robot reaches the system only through its API"
          + " tokens."));
    }
    return user;
  }

  private UserModel user(String userId) {
    UserModel user = session.users().getUserById(realm, userId);
    if (user == null) {
      // As Keycloak's user endpoints do: only admins who may query users learn that an id does not exist.
      if (!robotManager() && !auth.users().canQuery()) {
        throw new ForbiddenException();
      }
      throw new WebApplicationException(RestErrors.notFound("No user with id '" + userId + "' in realm '"
          + realm.getName() + "'."));
    }
    return user;
  }

  /**
   * Whether the caller holds {@value #ROBOT_MANAGER_ROLE} of this realm, in its client's scope: it may then create and
   * list robots, issue, list and revoke robots' tokens, and give robots application roles ({@link RobotRoles}); nothing
   * else (no people, no admin roles).
   */
  private boolean robotManager() {
    return auth.adminAuth().getRealm().equals(realm) && auth.adminAuth().hasRealmRole(ROBOT_MANAGER_ROLE);
  }

  private boolean robotManagerOf(UserModel user) {
    return RobotUsers.isRobot(user) && robotManager();
  }

  private ApiTokens tokens() {
    return new ApiTokens(session, realm, Clock.systemUTC());
  }
}
