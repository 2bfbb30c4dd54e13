package dev.gatehouse.gateway.policy;

/**
 * The outcome of {@link ActivityIndex#decide}. When allowed, {@code decidingActivity} is the activity that
 * granted the request (the first match found); when denied it is null.
 */
public record Decision(boolean allowed, Activity decidingActivity) {
  public static final Decision DENIED = new Decision(false, null);

  public static Decision allowedBy(Activity activity) {
    return new Decision(true, activity);
  }
}
