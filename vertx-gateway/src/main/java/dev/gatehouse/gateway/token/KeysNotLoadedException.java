package dev.gatehouse.gateway.token;

/** No signing key was ever loaded from the issuer's JWKS: the gateway cannot decide, so it fails closed (503). */
public final class KeysNotLoadedException extends RuntimeException {
  public KeysNotLoadedException(String message) {
    super(message, null, false, false);
  }
}
