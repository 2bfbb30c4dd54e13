package dev.gatehouse.gateway.forwarded;

import io.netty.util.NetUtil;

/** IP address literals to bytes, without DNS; IPv4-mapped IPv6 addresses count as the IPv4 address they carry. */
final class Addresses {
  private Addresses() {}

  /** 4 or 16 bytes, or null when {@code text} is not an address literal. */
  static byte[] parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
    if (bytes == null) {
      return null;
    }
    if (bytes.length == 16 && isIpv4Mapped(bytes)) {
      return java.util.Arrays.copyOfRange(bytes, 12, 16);
    }
    return bytes;
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  /**
   * One hop as a proxy wrote it, reduced to the address: {@code 203.0.113.7}, {@code 203.0.113.7:51234},
   * {@code 2001:db8::1}, {@code [2001:db8::1]:443} (and, from {@code Forwarded}, the same in quotes).
   * Null when it names no address ({@code unknown}, an obfuscated {@code _id}, garbage).
   */
  static String hopAddress(String hop) {
    String text = hop.trim();
    if (text.length() >= 2 && text.charAt(0) == '"' && text.charAt(text.length() - 1) == '"') {
      text = text.substring(1, text.length() - 1).trim();
    }
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        return null;
      }
      String inside = text.substring(1, close);
      return NetUtil.isValidIpV6Address(inside) ? inside : null;
    }
    int colon = text.indexOf(':');
    if (colon >= 0 && text.indexOf(':', colon + 1) < 0) {
      text = text.substring(0, colon); // IPv4 with a port
    }
    return parse(text) == null ? null : text;
  }
}
