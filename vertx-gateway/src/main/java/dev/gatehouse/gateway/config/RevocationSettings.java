package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.revocation.RevocationOptions;
import java.time.Duration;

/**
 * Reads {@code revocation.*}: live revocation (issue #14). Strict by default: a stale list refuses, it does not serve.
 */
final class RevocationSettings {
  private RevocationSettings() {}

  static RevocationOptions read(SettingsReader in) {
    RevocationOptions defaults = RevocationOptions.defaults();
    long poll = in.number("revocation.pollIntervalSeconds", defaults.pollInterval().toSeconds(), 1, 3_600);
    long maxStaleness = in.number("revocation.maxStalenessSeconds", defaults.maxStaleness().toSeconds(), 1, 86_400);
    long purge = in.number("revocation.purgeIntervalSeconds", defaults.purgeInterval().toSeconds(), 1, 86_400);
    String whenStale = in.string("revocation.whenStale", "refuse", false);
    RevocationOptions.WhenStale mode = RevocationOptions.WhenStale.REFUSE;
    if ("serve".equals(whenStale)) {
      mode = RevocationOptions.WhenStale.SERVE;
    } else if (!"refuse".equals(whenStale)) {
      in.problem("revocation.whenStale", whenStale, "\"refuse\" (answer 503 while stale) or \"serve\" (keep serving)");
    }
    if (maxStaleness <= poll) {
      in.problem("revocation.maxStalenessSeconds", maxStaleness,
          "more than revocation.pollIntervalSeconds (" + poll + "), or every poll gap would count as stale");
    }
    return new RevocationOptions(Duration.ofSeconds(poll), Duration.ofSeconds(maxStaleness), mode,
        Duration.ofSeconds(purge));
  }
}
