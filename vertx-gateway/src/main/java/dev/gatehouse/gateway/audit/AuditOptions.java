package dev.gatehouse.gateway.audit;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The decision audit trail's settings ({@code audit.*} in the gateway config; defaults and reasons in
 * CONFIGURATION.md and docs/operations.md).
 *
 * @param enabled          whether records are made at all
 * @param file             append JSON lines to this file instead of stdout (null: stdout)
 * @param allowSampleRate  share of allowed requests recorded, 0 to 1; denials and errors are always recorded
 * @param queueCapacity    records waiting for the writer; beyond it records are dropped and counted
 * @param postgres         also store records in PostgreSQL, searchable through the admin API
 * @param retention        PostgreSQL rows older than this are deleted
 */
public record AuditOptions(boolean enabled, Path file, double allowSampleRate, int queueCapacity, boolean postgres,
    Duration retention) {

  public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

  public AuditOptions {
    if (allowSampleRate < 0 || allowSampleRate > 1 || Double.isNaN(allowSampleRate)) {
      throw new IllegalArgumentException("allowSampleRate must be between 0 and 1, got " + allowSampleRate);
    }
  }

  /** Records on, every allow kept, JSON lines to stdout, no PostgreSQL. */
  public static AuditOptions defaults() {
    return new AuditOptions(true, null, 1.0, DEFAULT_QUEUE_CAPACITY, false, DEFAULT_RETENTION);
  }

  public static AuditOptions off() {
    return new AuditOptions(false, null, 1.0, DEFAULT_QUEUE_CAPACITY, false, DEFAULT_RETENTION);
  }
}
