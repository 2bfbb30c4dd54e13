package dev.gatehouse.gateway.http;

import dev.gatehouse.gateway.credential.Credential;
import io.vertx.core.http.HttpServerRequest;

/**
 * Finds the one credential a request presents. Returns null when there is none; throws
 * {@link InvalidCredentialException} when what is there cannot be a credential (answered 401 invalid_request).
 */
@FunctionalInterface
public interface CredentialReader {
  Credential read(HttpServerRequest request);
}
