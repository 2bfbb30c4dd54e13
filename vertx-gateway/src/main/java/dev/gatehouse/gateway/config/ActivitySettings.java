package dev.gatehouse.gateway.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code activities} section: the seed inserted at start when missing ({@code seedFile}, null: none) and how often
 * each gateway compares its index version with the database's ({@code pollIntervalSeconds}).
 */
public record ActivitySettings(Path seedFile, Duration pollInterval) {

  static ActivitySettings read(SettingsReader in) {
    String seed = in.string("activities.seedFile", null, false);
    Path seedFile = seed == null || seed.isBlank() ? null : Path.of(seed);
    if (seedFile != null && !Files.isRegularFile(seedFile)) {
      in.problem("activities.seedFile", seed, "an existing activity seed file such as realm-config/activities.json");
    }
    // Safety net under LISTEN/NOTIFY: how often each gateway compares its index version with the database's.
    long pollSeconds = in.number("activities.pollIntervalSeconds", 30, 1, 3_600);
    return new ActivitySettings(seedFile, Duration.ofSeconds(pollSeconds));
  }
}
