package dev.gatehouse.gateway.policy;

import dev.gatehouse.gateway.logging.RateLimitedLog;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures shadow activities on real traffic: for each decided request (only while at least one shadow activity is
 * loaded) it works out the decision with shadows counted as enforced, counts it, and logs where it differs from the
 * enforced one, one line per shadow activity per interval. It never changes the enforced decision.
 */
public final class ShadowDecisions {
  private static final Logger LOG = LoggerFactory.getLogger(ShadowDecisions.class);
  private static final RateLimitedLog DIFFERS_LOG = RateLimitedLog.of(LOG);

  /** Where the outcomes are counted (the gateway's metrics in production). */
  public interface Counter {
    void count(boolean wouldAllow, boolean differs);

    Counter NONE = (wouldAllow, differs) -> { };
  }

  private final Counter counter;

  public ShadowDecisions(Counter counter) {
    this.counter = counter;
  }

  /** Returns the would-be decision (or {@code enforced} when {@code index} has no shadow activities). */
  public Decision observe(ActivityIndex index, String method, String normalizedPath, Collection<String> permissions,
      Decision enforced) {
    if (index == null || !index.hasShadows()) {
      return enforced;
    }
    Decision wouldBe = index.decideWithShadows(method, normalizedPath, permissions, enforced);
    boolean differs = wouldBe.allowed() != enforced.allowed();
    counter.count(wouldBe.allowed(), differs);
    if (differs) {
      Activity shadow = wouldBe.decidingActivity();
      DIFFERS_LOG.info("shadow-" + shadow.id(), "Shadow activity {} ({} {}) would allow {} {}, which is denied now."
          + " Promote it (POST /gatehouse/admin/activities/{}/promote) when this is intended, or change or delete"
          + " it.", shadow.id(), shadow.method(), shadow.urlRegex(), method, normalizedPath, shadow.id());
    }
    return wouldBe;
  }
}
