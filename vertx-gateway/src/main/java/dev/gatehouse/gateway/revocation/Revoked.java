package dev.gatehouse.gateway.revocation;

/**
 * Why a token is refused: the key that matched and the reason, with a description the client can act on.
 * {@link #refreshable()} says whether a new token from the same session would be accepted (only the permissions
 * changed), as opposed to a session that ended or a user, client or API token that was disabled.
 */
public record Revoked(RevocationKind kind, String key, String reason, long notBeforeSecond) {

  public boolean refreshable() {
    return isRefreshable(reason);
  }

  /** For {@code error_description}: short, ASCII, and saying what to do. */
  public String description() {
    return describe(reason);
  }

  static boolean isRefreshable(String reason) {
    return "permissions_changed".equals(reason) || "role_deleted".equals(reason);
  }

  static String describe(String reason) {
    return switch (reason) {
      case "logout", "session_ended" -> "session ended, sign in again";
      case "user_disabled" -> "user disabled";
      case "user_deleted" -> "user deleted";
      case "credentials_reset" -> "credentials reset, sign in again";
      case "permissions_changed", "role_deleted" -> "permissions changed, get a new token";
      case "client_disabled" -> "client disabled";
      case "client_deleted" -> "client deleted";
      case "client_secret_rotated" -> "client secret rotated, get a new token with the new secret";
      case "api_token_revoked" -> "API token revoked";
      case "owner_disabled" -> "API token owner disabled";
      default -> "token revoked, sign in again";
    };
  }
}
