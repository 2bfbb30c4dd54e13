package dev.gatehouse.gateway.token;

/**
 * Hooks for metrics (the ops layer binds them to Micrometer counters). Called on the verifying thread: keep them
 * cheap and non-blocking. They never receive the token.
 */
public interface TokenVerificationListener {

  TokenVerificationListener NONE = new TokenVerificationListener() {};

  /** A token was accepted; {@code fromCache} when no signature check was needed. */
  default void accepted(boolean fromCache) {}

  default void rejected(TokenRejectedException.Reason reason) {}

  /** A token arrived before any signing key was ever loaded. */
  default void keysNotLoaded() {}

  /** One signature verification (the expensive part) ran. */
  default void signatureChecked() {}
}
