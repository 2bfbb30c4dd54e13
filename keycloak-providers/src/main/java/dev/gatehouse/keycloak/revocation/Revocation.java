package dev.gatehouse.keycloak.revocation;

import java.util.Locale;
import java.util.Objects;

/**
 * One row for the gateway's {@code revocations} table: tokens of {@code kind}/{@code key} issued at or before
 * {@code notBeforeMillis} are refused (the contract between Keycloak and the gateways, docs/operations.md
 * "Revocation").
 */
public record Revocation(Kind kind, String key, Reason reason, long notBeforeMillis) {
  /** The subject key that matches every subject: a realm-wide sign-out. */
  public static final String EVERY_SUBJECT = "*";
  /** Keys are names and ids; anything longer is not one of ours. */
  static final int MAX_KEY_LENGTH = 255;

  /** What the key names, as the gateway reads it from a token. */
  public enum Kind {
    /** The token's {@code sid}. */
    SESSION,
    /** The token's {@code sub}, or {@value #EVERY_SUBJECT}. */
    SUBJECT,
    /** A realm role name, as in {@code realm_access.roles}. */
    ROLE,
    /** A permission name, as in the {@code permissions} claim. */
    PERMISSION,
    /** A client id, as in {@code azp}. */
    CLIENT,
    /** The {@code api_token_id} claim. */
    API_TOKEN;

    public String column() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Machine-readable reasons the gateway can turn into an actionable error. */
  public enum Reason {
    LOGOUT, SESSION_ENDED, USER_DISABLED, USER_DELETED, CREDENTIALS_RESET, PERMISSIONS_CHANGED, ROLE_DELETED,
    CLIENT_DISABLED, CLIENT_DELETED, CLIENT_SECRET_ROTATED, API_TOKEN_REVOKED, OWNER_DISABLED;

    public String column() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Revocation {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
    if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("A revocation key must be 1-" + MAX_KEY_LENGTH + " characters, got '" + key + "'");
    }
    if (notBeforeMillis <= 0) {
      throw new IllegalArgumentException("notBeforeMillis must be an epoch time in milliseconds, got " + notBeforeMillis);
    }
  }

  public static Revocation of(Kind kind, String key, Reason reason, long notBeforeMillis) {
    return new Revocation(kind, key, reason, notBeforeMillis);
  }

  /** What makes two revocations of one transaction the same: the later one adds nothing. */
  String identity() {
    return kind.column() + ":" + key;
  }
}
