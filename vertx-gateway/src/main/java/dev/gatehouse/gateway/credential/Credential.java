package dev.gatehouse.gateway.credential;

/** The one token a request presents, and where it came from. */
public record Credential(Source source, String token) {
  public enum Source { COOKIE, BEARER_HEADER }
}
