package dev.gatehouse.gateway.audit;

import java.time.Instant;

/**
 * A search of stored decisions: every given field must match exactly; {@code since} (inclusive) and {@code until}
 * (exclusive) bound the time. Newest first, at most {@code limit}.
 */
public record DecisionQuery(String subject, String username, String decision, Instant since, Instant until,
    int limit) {
  public static final int MAX_LIMIT = 1_000;
  public static final int DEFAULT_LIMIT = 100;
}
