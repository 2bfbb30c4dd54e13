package dev.gatehouse.keycloak.revocation;

/** An outbox row on its way to the gateways' database; {@code source} is unique per row, for idempotent delivery. */
record PendingRevocation(String id, String kind, String key, String reason, long notBefore, long expiresAt,
                         String source) {

  static PendingRevocation of(RevocationOutboxEntity row) {
    return new PendingRevocation(row.getId(), row.getKind(), row.getKey(), row.getReason(), row.getNotBefore(),
        row.getExpiresAt(), "keycloak " + row.getNode() + " outbox " + row.getId());
  }

  /**
   * Moves not-before to when the change's transaction was seen committed, if later: a token issued between the
   * change and its commit still carries the old state. The lifespan moves along.
   */
  PendingRevocation committedAt(Long commitMillis) {
    if (commitMillis == null || commitMillis <= notBefore) {
      return this;
    }
    return new PendingRevocation(id, kind, key, reason, commitMillis, expiresAt + (commitMillis - notBefore), source);
  }
}
