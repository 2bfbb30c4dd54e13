package dev.gatehouse.gateway.policy;

/** The service named in a request does not exist (any more). */
public final class ServiceNotFoundException extends RuntimeException {
  public ServiceNotFoundException(String name) {
    super("There is no service named '" + name + "'. List the services with GET /gatehouse/admin/services.");
  }
}
