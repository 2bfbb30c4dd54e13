package dev.gatehouse.gateway.proxy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The {@code Date} of the gateway's answers for proxied responses: the upstream's own value, byte for byte, when it
 * is a valid HTTP date; otherwise (missing or unreadable) the gateway's clock, as RFC 9110 section 6.6.1 lets a
 * recipient with a clock do. Both are worked out once per distinct value (upstreams change it once a second), not
 * once per response. One per event loop.
 */
final class UpstreamDates {
  /** IMF-fixdate (RFC 9110 section 5.6.7): two-digit day, always GMT. */
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private String lastUpstream;
  private boolean lastUpstreamValid;
  private long nowSecond = Long.MIN_VALUE;
  private String now;

  /** The upstream's value when it parses as an HTTP date, else null. */
  String forwarded(String upstream) {
    if (!upstream.equals(lastUpstream)) {
      lastUpstreamValid = parses(upstream);
      lastUpstream = upstream;
    }
    return lastUpstreamValid ? upstream : null;
  }

  /** The current time as an IMF-fixdate. */
  String now() {
    long second = System.currentTimeMillis() / 1000;
    if (second != nowSecond) {
      now = IMF_FIXDATE.format(Instant.ofEpochSecond(second));
      nowSecond = second;
    }
    return now;
  }

  private static boolean parses(String value) {
    try {
      DateTimeFormatter.RFC_1123_DATE_TIME.parse(value);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
