package dev.gatehouse.gateway.connection;

import java.time.Duration;

/**
 * How long the gateway waits on a client connection.
 *
 * @param requestHeadTimeout from the first byte of a request head until its last: past it, 408 and close (slow
 *     clients sending a header byte every few seconds hold nothing for long)
 * @param idleTimeout a connection with no request in progress for this long is closed; keep it above the idle
 *     timeout of a proxy in front (nginx keeps upstream connections 60 s), so that the proxy closes first
 */
public record ClientConnectionLimits(Duration requestHeadTimeout, Duration idleTimeout) {
  public static final ClientConnectionLimits DEFAULTS =
      new ClientConnectionLimits(Duration.ofSeconds(20), Duration.ofSeconds(75));

  public ClientConnectionLimits {
    if (requestHeadTimeout.isNegative() || requestHeadTimeout.isZero() || idleTimeout.isNegative()
        || idleTimeout.isZero()) {
      throw new IllegalArgumentException("Client connection timeouts must be positive");
    }
  }
}
