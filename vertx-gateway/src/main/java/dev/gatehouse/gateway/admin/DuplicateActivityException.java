package dev.gatehouse.gateway.admin;

/** Another activity already has the same method and regex (409). */
public final class DuplicateActivityException extends RuntimeException {
  public DuplicateActivityException(String method, String urlRegex) {
    super("An activity for " + method + " " + urlRegex + " already exists; update that one instead.", null, false,
        false);
  }
}
