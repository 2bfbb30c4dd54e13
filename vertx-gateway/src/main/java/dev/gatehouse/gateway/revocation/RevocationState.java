package dev.gatehouse.gateway.revocation;

import dev.gatehouse.gateway.token.VerifiedToken;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * An immutable snapshot of the revocations in force, answering per request whether a verified token is revoked.
 * Rule (revocation contract): a token is refused iff {@code iat <= floor(not_before / 1000)} for a row matching one
 * of its keys: {@code sid}, {@code sub} (or the {@code '*'} subject), each realm role, each permission, {@code azp},
 * {@code api_token_id}. Per key only the latest change counts, kept apart for "hard" reasons (session ended, user or
 * client disabled: never refreshable) and "soft" ones (permissions changed), so a token older than both is reported
 * with the hard reason. {@link #check} allocates nothing: map lookups and pre-built answers.
 *
 * <p>Bounded: entries are dropped once past {@code expires_at} (see {@link #withoutExpired}). A new snapshot is built
 * per batch of rows, off the request path.
 */
public final class RevocationState {
  public static final RevocationState EMPTY = empty();

  /** One key's latest changes, with the answers to give pre-built. */
  private record Entry(long hardSecond, Revoked hard, long softSecond, Revoked soft, long expiresAtMillis) {
    Revoked match(long issuedAt) {
      if (hard != null && issuedAt <= hardSecond) {
        return hard;
      }
      return soft != null && issuedAt <= softSecond ? soft : null;
    }

    Entry merge(Revocation row) {
      long second = row.notBeforeSecond();
      long expires = Math.max(expiresAtMillis, row.expiresAtMillis());
      Revoked answer = new Revoked(row.kind(), row.key(), row.reason(), second);
      if (Revoked.isRefreshable(row.reason())) {
        return soft == null || second > softSecond ? new Entry(hardSecond, hard, second, answer, expires)
            : new Entry(hardSecond, hard, softSecond, soft, expires);
      }
      return hard == null || second > hardSecond ? new Entry(second, answer, softSecond, soft, expires)
          : new Entry(hardSecond, hard, softSecond, soft, expires);
    }

    static final Entry NONE = new Entry(Long.MIN_VALUE, null, Long.MIN_VALUE, null, Long.MIN_VALUE);
  }

  /** Indexed by {@link RevocationKind#ordinal()}. */
  private final Map<String, Entry>[] byKind;
  private final int size;
  private final long lastId;

  @SuppressWarnings("unchecked")
  private static RevocationState empty() {
    Map<String, Entry>[] none = new Map[RevocationKind.values().length];
    java.util.Arrays.fill(none, Map.of());
    return new RevocationState(none, 0);
  }

  private RevocationState(Map<String, Entry>[] byKind, long lastId) {
    this.byKind = byKind;
    int total = 0;
    for (Map<String, Entry> entries : byKind) {
      total += entries.size();
    }
    this.size = total;
    this.lastId = lastId;
  }

  /** Why {@code token} is refused, or null when no revocation applies to it. */
  public Revoked check(VerifiedToken token) {
    if (size == 0) {
      return null;
    }
    long iat = token.issuedAtEpochSecond();
    Revoked found = match(RevocationKind.SESSION, token.sessionId(), iat, null);
    found = match(RevocationKind.SUBJECT, token.subject(), iat, found);
    found = match(RevocationKind.SUBJECT, Revocation.EVERY_SUBJECT, iat, found);
    found = match(RevocationKind.CLIENT, token.authorizedParty(), iat, found);
    found = match(RevocationKind.API_TOKEN, token.apiTokenId(), iat, found);
    found = matchAny(RevocationKind.ROLE, token.roles(), iat, found);
    return matchAny(RevocationKind.PERMISSION, token.permissions(), iat, found);
  }

  private Revoked match(RevocationKind kind, String key, long iat, Revoked found) {
    if (key == null || (found != null && !found.refreshable())) {
      return found;
    }
    Map<String, Entry> entries = byKind[kind.ordinal()];
    if (entries.isEmpty()) {
      return found;
    }
    Entry entry = entries.get(key);
    Revoked revoked = entry == null ? null : entry.match(iat);
    return revoked == null || (found != null && revoked.refreshable()) ? found : revoked;
  }

  private Revoked matchAny(RevocationKind kind, Set<String> keys, long iat, Revoked found) {
    if (byKind[kind.ordinal()].isEmpty()) {
      return found;
    }
    for (String key : keys) {
      found = match(kind, key, iat, found);
    }
    return found;
  }

  /** The snapshot with {@code rows} applied (idempotent: a row seen twice changes nothing); expired rows skipped. */
  @SuppressWarnings("unchecked")
  public RevocationState with(Collection<Revocation> rows, long nowMillis) {
    if (rows.isEmpty()) {
      return this;
    }
    Map<String, Entry>[] next = new Map[byKind.length];
    long maxId = lastId;
    for (Revocation row : rows) {
      maxId = Math.max(maxId, row.id());
      if (row.expiresAtMillis() <= nowMillis) {
        continue;
      }
      int k = row.kind().ordinal();
      if (next[k] == null) {
        next[k] = new HashMap<>(byKind[k]);
      }
      next[k].put(row.key(), next[k].getOrDefault(row.key(), Entry.NONE).merge(row));
    }
    for (int k = 0; k < next.length; k++) {
      next[k] = next[k] == null ? byKind[k] : Map.copyOf(next[k]);
    }
    return new RevocationState(next, maxId);
  }

  /** The snapshot without the entries that can affect no token any more; {@code this} when there are none. */
  @SuppressWarnings("unchecked")
  public RevocationState withoutExpired(long nowMillis) {
    Map<String, Entry>[] next = new Map[byKind.length];
    boolean changed = false;
    for (int k = 0; k < byKind.length; k++) {
      Map<String, Entry> kept = new HashMap<>();
      byKind[k].forEach((key, entry) -> {
        if (entry.expiresAtMillis() > nowMillis) {
          kept.put(key, entry);
        }
      });
      changed |= kept.size() != byKind[k].size();
      next[k] = Map.copyOf(kept);
    }
    return changed ? new RevocationState(next, lastId) : this;
  }

  /** Keys in force (one per kind and key, however many rows named it). */
  public int size() {
    return size;
  }

  /** The highest row id applied: incremental reads ask for rows after it. */
  public long lastId() {
    return lastId;
  }
}
