package dev.gatehouse.gateway.admin;

/** No activity has the requested id (404). */
public final class ActivityNotFoundException extends RuntimeException {
  public ActivityNotFoundException(long id) {
    super("No activity has id " + id + ".", null, false, false);
  }
}
