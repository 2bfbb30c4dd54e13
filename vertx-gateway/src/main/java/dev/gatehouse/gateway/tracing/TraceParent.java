package dev.gatehouse.gateway.tracing;

/** Reads the trace id out of a W3C {@code traceparent} header value (version 00 layout), without trusting it. */
public final class TraceParent {
  private static final String INVALID_TRACE_ID = "00000000000000000000000000000000";

  private TraceParent() {}

  /** The 32-hex-digit trace id, or null when the value is absent or not a valid traceparent. */
  public static String traceId(String header) {
    if (header == null || header.length() < 55) {
      return null;
    }
    String value = header.strip();
    // version "-" trace-id "-" parent-id "-" flags: 2 + 1 + 32 + 1 + 16 + 1 + 2
    if (value.length() < 55 || value.charAt(2) != '-' || value.charAt(35) != '-' || value.charAt(52) != '-'
        || (value.length() > 55 && value.charAt(55) != '-') || value.startsWith("ff")) {
      return null;
    }
    if (!lowerHex(value, 0, 2) || !lowerHex(value, 3, 35) || !lowerHex(value, 36, 52) || !lowerHex(value, 53, 55)) {
      return null;
    }
    String traceId = value.substring(3, 35);
    return traceId.equals(INVALID_TRACE_ID) ? null : traceId;
  }

  private static boolean lowerHex(String value, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
