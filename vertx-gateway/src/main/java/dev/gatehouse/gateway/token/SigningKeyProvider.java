package dev.gatehouse.gateway.token;

import io.vertx.core.Future;

/** Where the verifier gets its keys. {@link JwksKeySource} is the real one; tests may use a fixed set. */
public interface SigningKeyProvider {

  /** The current keys, or null while none were ever loaded. Never an empty set. */
  SigningKeys current();

  /**
   * Called when a token names a {@code kid} that {@link #current()} lacks: may fetch the key set again (at most once
   * per cooldown, shared by concurrent callers) and completes with the keys to look in. Never fails: when nothing
   * new could be fetched it completes with the current keys.
   */
  Future<SigningKeys> refreshForUnknownKid();
}
