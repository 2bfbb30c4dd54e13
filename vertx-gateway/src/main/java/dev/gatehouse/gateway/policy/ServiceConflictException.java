package dev.gatehouse.gateway.policy;

/** A service write that would clash with what exists (name or prefix taken, activities still linked): 409. */
public final class ServiceConflictException extends RuntimeException {
  public ServiceConflictException(String message) {
    super(message);
  }
}
