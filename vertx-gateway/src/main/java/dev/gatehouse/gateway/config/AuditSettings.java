package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.audit.AuditOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Reads {@code audit.*}: the decision audit trail (issue #16). On by default, every decision as one JSON line on
 * stdout; allows may be sampled, denials and errors never are.
 */
final class AuditSettings {
  static final Map<String, String> ENV_KEYS = Map.of(
      "GATEHOUSE_AUDIT_ENABLED", "audit.enabled",
      "GATEHOUSE_AUDIT_FILE", "audit.file",
      "GATEHOUSE_AUDIT_ALLOW_SAMPLE_RATE", "audit.allowSampleRate",
      "GATEHOUSE_AUDIT_POSTGRES", "audit.postgres.enabled");

  private AuditSettings() {}

  static AuditOptions read(SettingsReader in) {
    AuditOptions defaults = AuditOptions.defaults();
    boolean enabled = in.flag("audit.enabled", defaults.enabled());
    String fileName = in.string("audit.file", null, false);
    Path file = null;
    if (fileName != null) {
      file = Path.of(fileName);
      Path parent = file.toAbsolutePath().getParent();
      if (parent == null || !Files.isDirectory(parent) || Files.isDirectory(file)) {
        in.problem("audit.file", fileName, "a file in an existing directory (it is created and appended to), or"
            + " nothing for stdout");
      }
    }
    double rate = sampleRate(in, defaults.allowSampleRate());
    int capacity = (int) in.number("audit.queueCapacity", defaults.queueCapacity(), 1_024, 16_777_216);
    boolean postgres = in.flag("audit.postgres.enabled", defaults.postgres());
    long retentionDays = in.number("audit.postgres.retentionDays", defaults.retention().toDays(), 1, 3_650);
    return new AuditOptions(enabled, file, rate, capacity, postgres, Duration.ofDays(retentionDays));
  }

  private static double sampleRate(SettingsReader in, double fallback) {
    Object value = in.raw("audit.allowSampleRate");
    if (value == null) {
      return fallback;
    }
    double rate = Double.NaN;
    if (value instanceof Number n) {
      rate = n.doubleValue();
    } else if (value instanceof String s && s.trim().matches("[0-9]*\\.?[0-9]+")) {
      rate = Double.parseDouble(s.trim());
    }
    if (!(rate >= 0 && rate <= 1)) {
      in.problem("audit.allowSampleRate", value, "a share between 0 and 1 of allowed requests to record, e.g. 0.01"
          + " (denials and errors are always recorded)");
      return fallback;
    }
    return rate;
  }
}
