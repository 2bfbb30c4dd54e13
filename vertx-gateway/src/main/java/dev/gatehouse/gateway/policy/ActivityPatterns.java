package dev.gatehouse.gateway.policy;

/**
 * Rules for activity methods and url regexes, applied when an activity is written (admin API) and when it is
 * loaded. CONTRACT STUB: the policy work fills in the implementation.
 */
public final class ActivityPatterns {
  private ActivityPatterns() {}

  /** Throws {@link InvalidActivityException} with a message for people when the regex is invalid or risky. */
  public static void validate(String method, String urlRegex) {
    throw new UnsupportedOperationException("TODO");
  }
}
