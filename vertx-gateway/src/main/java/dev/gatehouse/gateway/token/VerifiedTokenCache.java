package dev.gatehouse.gateway.token;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers tokens that passed verification so the signature is checked once per token, not once per request.
 *
 * <p>Keyed by the SHA-256 of the token: the raw token is never stored. An entry is never served at or after the
 * token's {@code exp}. Bounded: when full, expired entries are swept first, then arbitrary ones until a quarter is
 * free (cheap, and a cache miss only costs one signature check). Lock-free on the read path.
 */
final class VerifiedTokenCache {

  /** What is cached: the claims, and the key that verified them (dropped when the key leaves the JWKS). */
  record Entry(VerifiedToken token, String kid) {}

  private final int maxSize;
  private final CacheTrimmer trimmer;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  VerifiedTokenCache(int maxSize) {
    this.maxSize = maxSize;
    this.trimmer = new CacheTrimmer(maxSize);
  }

  static String keyOf(String token) {
    return TokenDigest.sha256(token);
  }

  /** The entry for this key, if present and not expired at {@code now}. */
  Entry get(String key, Instant now) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    if (isExpired(entry, now)) {
      entries.remove(key, entry);
      return null;
    }
    return entry;
  }

  void put(String key, Entry entry, Instant now) {
    if (maxSize == 0 || isExpired(entry, now)) {
      return;
    }
    if (entries.size() >= maxSize) {
      trimmer.makeRoom(entries, cached -> isExpired(cached, now));
    }
    entries.put(key, entry);
  }

  void remove(String key) {
    entries.remove(key);
  }

  int size() {
    return entries.size();
  }

  private static boolean isExpired(Entry entry, Instant now) {
    return now.getEpochSecond() >= entry.token().expiresAtEpochSecond();
  }
}
