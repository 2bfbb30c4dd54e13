package dev.gatehouse.gateway.http;

/**
 * The one canonical form of a request target: the normalised path that is authorised and forwarded, plus the
 * raw query (without '?'), or null when there is none. CONTRACT STUB: normalisation is filled in by the policy work.
 */
public record RequestTarget(String path, String query) {

  /**
   * Normalises a raw request target (as sent on the request line). Throws {@link BadRequestTargetException}
   * for anything ambiguous: %2F, %5C, ';' parameters, NUL, invalid UTF-8, a fragment, absolute form, too long.
   */
  public static RequestTarget parse(String rawTarget) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The path plus '?query' when there is one: exactly what the upstream receives. */
  public String pathAndQuery() {
    return query == null ? path : path + "?" + query;
  }
}
