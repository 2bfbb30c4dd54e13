package dev.gatehouse.gateway.policy;

/** The activity id named in a change does not exist (any more). */
public final class ActivityNotFoundException extends RuntimeException {
  public ActivityNotFoundException(long id) {
    super("There is no activity with id " + id + ".");
  }
}
