package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.token.VerifiedToken;
import java.util.Collections;
import java.util.Map;

/**
 * Identity headers already built for a verified token, so that a caller's repeated requests skip encoding and sorting
 * the permission list. Keyed by the token object itself: the verified-token cache hands out the same immutable
 * instance for the same token, and a request can only ever find the headers of the very token it presented.
 * Direct-mapped and fixed in size (a slot is simply overwritten), so it needs no eviction. One per event loop.
 */
final class IdentityHeaderCache {
  private static final int SLOTS = 256; // a power of two

  private final IdentityHeaders identityHeaders;
  private final VerifiedToken[] tokens = new VerifiedToken[SLOTS];
  private final Map<?, ?>[] headers = new Map<?, ?>[SLOTS];

  IdentityHeaderCache(IdentityHeaders identityHeaders) {
    this.identityHeaders = identityHeaders;
  }

  /** Like {@link IdentityHeaders#forToken}, including its {@link IdentityTooLargeException}. */
  @SuppressWarnings("unchecked")
  Map<String, String> forToken(VerifiedToken token) {
    int slot = System.identityHashCode(token) & (SLOTS - 1);
    if (tokens[slot] == token) {
      return (Map<String, String>) headers[slot];
    }
    // Unmodifiable, not copied: the order of the headers is part of what forToken returns.
    Map<String, String> built = Collections.unmodifiableMap(identityHeaders.forToken(token));
    tokens[slot] = token;
    headers[slot] = built;
    return built;
  }
}
