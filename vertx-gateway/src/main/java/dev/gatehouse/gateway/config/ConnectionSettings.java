package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.connection.ClientConnectionLimits;
import java.time.Duration;

/** Reads the client-connection timeouts under {@code listen}; zero or negative values are refused. */
final class ConnectionSettings {
  private ConnectionSettings() {}

  static ClientConnectionLimits read(SettingsReader in) {
    ClientConnectionLimits defaults = ClientConnectionLimits.DEFAULTS;
    long head = in.number("listen.requestHeadTimeoutSeconds", defaults.requestHeadTimeout().toSeconds(), 1, 300);
    long idle = in.number("listen.idleTimeoutSeconds", defaults.idleTimeout().toSeconds(), 1, 3_600);
    return new ClientConnectionLimits(Duration.ofSeconds(head), Duration.ofSeconds(idle));
  }
}
