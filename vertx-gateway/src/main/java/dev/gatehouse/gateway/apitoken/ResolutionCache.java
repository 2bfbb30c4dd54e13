package dev.gatehouse.gateway.apitoken;

import dev.gatehouse.gateway.token.CacheTrimmer;
import dev.gatehouse.gateway.token.VerifiedToken;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * What Keycloak last said about each API token, keyed by the token's SHA-256 (never the token). Times are epoch
 * milliseconds. Lock-free reads; bounded: when full, entries past their keep time go first, then arbitrary ones
 * until a quarter is free.
 */
final class ResolutionCache {

  /**
   * One answer. It is served before {@code freshUntil}. Before {@code knownUntil} it also marks the token as one
   * that resolved successfully not long ago, so its next resolution is not counted against the limiter for unknown
   * tokens (0: not known).
   */
  sealed interface Entry {
    long freshUntil();

    long knownUntil();

    default long keepUntil() {
      return Math.max(freshUntil(), knownUntil());
    }
  }

  /** From {@code refreshFrom} on, a request still gets this entry but also starts a refresh in the background. */
  record Resolved(String accessToken, VerifiedToken verified, long refreshFrom, long freshUntil, long knownUntil)
      implements Entry {}

  record Refused(RuntimeException rejection, long freshUntil) implements Entry {
    @Override
    public long knownUntil() {
      return 0;
    }
  }

  /** An outage does not make a known token unknown: {@code knownUntil} is carried over from before. */
  record Unavailable(ApiTokenUnavailableException failure, long freshUntil, long knownUntil) implements Entry {}

  private final int maxSize;
  private final CacheTrimmer trimmer;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  ResolutionCache(int maxSize) {
    this.maxSize = maxSize;
    this.trimmer = new CacheTrimmer(maxSize);
  }

  /** The entry to answer with at {@code now}, or null. */
  Entry fresh(String key, long now) {
    Entry entry = entries.get(key);
    return entry != null && now < entry.freshUntil() ? entry : null;
  }

  /** Until when this token counts as known (see {@link Entry}); 0 when it does not. */
  long knownUntil(String key) {
    Entry entry = entries.get(key);
    return entry == null ? 0 : entry.knownUntil();
  }

  void put(String key, Entry entry, long now) {
    if (entry.keepUntil() <= now) {
      entries.remove(key);
      return;
    }
    if (entries.size() >= maxSize && !entries.containsKey(key)) {
      trimmer.makeRoom(entries, cached -> cached.keepUntil() <= now);
    }
    entries.put(key, entry);
  }

  /** Drops every resolution whose access token {@code revoked} refuses; returns how many. */
  int dropResolutions(Predicate<VerifiedToken> revoked) {
    int before = entries.size();
    entries.values().removeIf(entry -> entry instanceof Resolved resolved && revoked.test(resolved.verified()));
    return before - entries.size();
  }

  int size() {
    return entries.size();
  }
}
