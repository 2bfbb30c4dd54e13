package dev.gatehouse.gateway.ops;

import java.util.Locale;

/** How the gateway decided one protected request; the label of {@code gatehouse_decisions_total}. */
public enum DecisionOutcome {
  ALLOWED, DENIED, UNAUTHENTICATED, BAD_REQUEST, UNAVAILABLE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
