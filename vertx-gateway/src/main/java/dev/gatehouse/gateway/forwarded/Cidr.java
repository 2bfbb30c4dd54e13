package dev.gatehouse.gateway.forwarded;

import io.netty.util.NetUtil;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a block of one. Parsing accepts
 * address literals only (never a host name: no DNS lookup at start or per request) and refuses host bits set past
 * the prefix, which usually means a typo ({@code 10.1.2.3/8} is not the block its author meant).
 */
public final class Cidr {
  private final byte[] network;
  private final int prefixLength;

  private Cidr(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /** Parses {@code text}; {@link IllegalArgumentException} with a message for people when it is not a block. */
  public static Cidr parse(String text) {
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    String addressPart = slash < 0 ? trimmed : trimmed.substring(0, slash);
    byte[] address = Addresses.parse(addressPart);
    if (address == null) {
      throw new IllegalArgumentException("\"" + addressPart + "\" is not an IPv4 or IPv6 address literal");
    }
    int maxBits = address.length * 8;
    int prefix = maxBits;
    if (slash >= 0) {
      String bits = trimmed.substring(slash + 1);
      if (!bits.matches("\\d{1,3}") || Integer.parseInt(bits) > maxBits) {
        throw new IllegalArgumentException("\"/" + bits + "\" is not a prefix length between 0 and " + maxBits);
      }
      prefix = Integer.parseInt(bits);
    }
    byte[] network = mask(address, prefix);
    if (!java.util.Arrays.equals(network, address)) {
      throw new IllegalArgumentException("\"" + trimmed + "\" has bits set after the /" + prefix + " prefix; did you mean "
          + NetUtil.bytesToIpAddress(network) + "/" + prefix + "?");
    }
    return new Cidr(network, prefix);
  }

  public int prefixLength() {
    return prefixLength;
  }

  /** Whether {@code address} (4 or 16 bytes, as from {@link Addresses#parse}) lies in this block. */
  public boolean contains(byte[] address) {
    if (address == null || address.length != network.length) {
      return false;
    }
    int fullBytes = prefixLength / 8;
    for (int i = 0; i < fullBytes; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[fullBytes] & mask) == (network[fullBytes] & mask);
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int bit = prefix; bit < out.length * 8; bit++) {
      out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return out;
  }

  @Override
  public String toString() {
    return NetUtil.bytesToIpAddress(network) + "/" + prefixLength;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Cidr c && c.prefixLength == prefixLength && java.util.Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(network) + prefixLength;
  }
}
