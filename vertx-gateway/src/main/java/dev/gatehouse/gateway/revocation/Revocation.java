package dev.gatehouse.gateway.revocation;

import java.util.Objects;

/**
 * One row of the {@code revocations} table: tokens of {@code kind}/{@code key} issued at or before the second of
 * {@code notBeforeMillis} are refused until {@code expiresAtMillis}, after which the row can affect no token.
 */
public record Revocation(long id, RevocationKind kind, String key, long notBeforeMillis, String reason,
    long expiresAtMillis) {
  /** The subject key that matches every subject (a realm-wide "sign out all"). */
  public static final String EVERY_SUBJECT = "*";

  public Revocation {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(reason, "reason");
  }

  /** Equal-second rule: {@code iat} has second precision, so a token of the change's own second is refused too. */
  public long notBeforeSecond() {
    return Math.floorDiv(notBeforeMillis, 1000);
  }
}
