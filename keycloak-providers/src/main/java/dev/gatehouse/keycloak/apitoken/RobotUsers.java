package dev.gatehouse.keycloak.apitoken;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.util.JsonSerialization;

/**
 * Robot users: accounts for third parties that reach the system only through API tokens an administrator issues.
 * A robot is a user marked with {@value #MARKER} that has no password, no identity-provider link and no user-store
 * link, so it cannot sign in. Tokens are issued for such users only; a person's tokens stay theirs to create.
 */
final class RobotUsers {
  /** The marker attribute. Unmanaged attributes are off in the realm's user profile, so users cannot set it. */
  static final String MARKER = "gatehouse.robot";
  static final String DESCRIPTION = "gatehouse.robot.description";
  private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,62}");
  private static final Set<String> FIELDS = Set.of("username", "description");

  /** The body of {@code POST /admin/realms/{realm}/api-tokens/robots}. */
  record NewRobot(String username, String description) {
    static NewRobot parse(String body) {
      JsonNode json;
      try {
        json = body == null || body.isBlank() ? null : JsonSerialization.mapper.readTree(body);
      } catch (IOException e) {
        json = null;
      }
      if (json == null || !json.isObject()) {
        throw new IllegalArgumentException("Send a JSON object such as {\"username\": \"partner-acme\","
            + " \"description\": \"ACME's order sync\"}.");
      }
      for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
        String field = names.next();
        if (!FIELDS.contains(field)) {
          throw new IllegalArgumentException("Unknown field '" + field + "'. Send only \"username\" and, optionally,"
              + " \"description\".");
        }
      }
      JsonNode username = json.get("username");
      if (username == null || !username.isTextual() || !USERNAME.matcher(username.asText()).matches()) {
        throw new IllegalArgumentException("\"username\" must be 3 to 63 characters: lower-case letters, digits,"
            + " '.', '_' or '-', starting with a letter or digit (such as \"partner-acme\").");
      }
      JsonNode description = json.get("description");
      if (description != null && !description.isNull() && (!description.isTextual()
          || description.asText().length() > 200 || description.asText().chars().anyMatch(Character::isISOControl))) {
        throw new IllegalArgumentException("\"description\" must be text of at most 200 characters, on one line.");
      }
      return new NewRobot(username.asText(),
          description == null || description.isNull() || description.asText().isBlank() ? null
              : description.asText().strip());
    }
  }

  private RobotUsers() {}

  static boolean isRobot(UserModel user) {
    return "true".equals(user.getFirstAttribute(MARKER));
  }

  /** Why this user could sign in (so it is no robot whatever its marker says), or null. */
  static String signInPath(KeycloakSession session, RealmModel realm, UserModel user) {
    if (user.getFederationLink() != null) {
      return "it comes from a user store (LDAP or similar)";
    }
    if (user.getServiceAccountClientLink() != null) {
      return "it is a client's service account (use the client's own credentials)";
    }
    if (user.credentialManager().getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE).findAny().isPresent()) {
      return "it has a password";
    }
    if (session.users().getFederatedIdentitiesStream(realm, user).findAny().isPresent()) {
      return "it is linked to an identity provider";
    }
    return null;
  }

  static UserModel create(KeycloakSession session, RealmModel realm, NewRobot request) {
    UserModel robot = session.users().addUser(realm, request.username());
    robot.setEnabled(true);
    robot.setSingleAttribute(MARKER, "true");
    if (request.description() != null) {
      robot.setSingleAttribute(DESCRIPTION, request.description());
    }
    return robot;
  }

  /** One robot in a list or a creation answer. */
  record View(String id, String username, String description, Long createdTimestamp) {
    static View of(UserModel user) {
      return new View(user.getId(), user.getUsername(), user.getFirstAttribute(DESCRIPTION),
          user.getCreatedTimestamp());
    }
  }
}
