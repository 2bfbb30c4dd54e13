package dev.gatehouse.keycloak.apitoken;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
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
import org.keycloak.models.ModelDuplicateException;
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
   * list robots and issue, list and revoke robots' tokens, and nothing else (no people, no role mappings).
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
