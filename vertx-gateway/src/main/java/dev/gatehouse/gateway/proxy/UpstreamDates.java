package dev.gatehouse.gateway.proxy;

import io.vertx.httpproxy.impl.ParseUtils;
import java.time.Instant;

/**
 * The {@code Date} the gateway forwards for an upstream's {@code Date}, exactly as vertx-http-proxy writes it (parsed,
 * then formatted again), but worked out once per distinct upstream value instead of once per response: parsing it
 * was the largest single cost of the proxy library per request. Upstreams change the value once a second.
 * Uses the library's own parser and formatter so the forwarded value stays identical. One per event loop.
 */
final class UpstreamDates {
  private String lastUpstream;
  private String lastForwarded;

  /** Null when the value does not parse: the proxy then stamps the current time, as it does without this. */
  String forwarded(String upstream) {
    if (!upstream.equals(lastUpstream)) {
      Instant parsed = ParseUtils.parseHeaderDate(upstream);
      lastForwarded = parsed == null ? null : ParseUtils.formatHttpDate(parsed);
      lastUpstream = upstream;
    }
    return lastForwarded;
  }
}
