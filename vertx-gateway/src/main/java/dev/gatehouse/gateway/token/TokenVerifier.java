package dev.gatehouse.gateway.token;

import io.vertx.core.Future;

/**
 * Verifies access tokens of one issuer against its JWKS ({@link JwtTokenVerifier}; tests use doubles).
 * The Future fails with {@link TokenRejectedException} for a bad token, and with {@link KeysNotLoadedException}
 * when no signing key was ever loaded (the gateway answers 503 then, never 401).
 */
public interface TokenVerifier {
  Future<VerifiedToken> verify(String compactJwt);

  /** True once a non-empty signing key set has been loaded. */
  boolean ready();
}
