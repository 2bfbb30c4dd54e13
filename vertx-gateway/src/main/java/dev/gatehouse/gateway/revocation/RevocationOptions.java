package dev.gatehouse.gateway.revocation;

import java.time.Duration;

/**
 * How the gateway follows the {@code revocations} table.
 *
 * @param pollInterval safety net under LISTEN/NOTIFY: how often rows are re-read
 * @param maxStaleness how long the gateway may go without a confirmed-fresh revocation list
 * @param whenStale    what protected routes do past {@code maxStaleness}
 * @param purgeInterval how often expired rows are deleted from the table
 */
public record RevocationOptions(Duration pollInterval, Duration maxStaleness, WhenStale whenStale,
    Duration purgeInterval) {

  public enum WhenStale {
    /** Protected routes answer 503 (fail closed): a revoked token might otherwise be served. */
    REFUSE,
    /** Keep serving with the last known list, logging the staleness: availability over revocation. */
    SERVE
  }

  public static RevocationOptions defaults() {
    return new RevocationOptions(Duration.ofSeconds(5), Duration.ofSeconds(30), WhenStale.REFUSE,
        Duration.ofSeconds(60));
  }
}
