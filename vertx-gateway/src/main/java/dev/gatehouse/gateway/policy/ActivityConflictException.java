package dev.gatehouse.gateway.policy;

/** Another activity already has this method and url regex. */
public final class ActivityConflictException extends RuntimeException {
  public ActivityConflictException(String method, String urlRegex) {
    super("An activity " + method + " " + urlRegex + " already exists; change that one or its permissions instead.");
  }
}
