package dev.gatehouse.gateway.connection;

import io.netty.buffer.ByteBuf;

/**
 * Reads one chunk-size line of a chunked request body strictly (RFC 9112 section 7.1): {@code 1*HEXDIG}, then
 * optionally {@code ;} and chunk extensions, then CRLF. Anything a front proxy could read differently is refused:
 * sizes past {@link #MAX_CHUNK_SIZE} (Netty reads the size into an int and wraps modulo 2^32), junk or whitespace
 * around the size, control characters in extensions, a bare LF.
 */
final class ChunkSizeLine {
  /** Netty's decoder holds a chunk's size in an int; anything larger would be misread. */
  static final long MAX_CHUNK_SIZE = Integer.MAX_VALUE;
  /** Size plus extensions, without CRLF. Go's net/http uses the same bound; real clients send a few bytes. */
  static final int MAX_LINE_BYTES = 4096;

  private ChunkSizeLine() {}

  /**
   * The chunk size in {@code buffer} from {@code from} up to the LF at {@code lf} (exclusive), which must be preceded
   * by CR. Does not move the buffer's indexes.
   *
   * @throws RequestFramingException saying what is wrong with the line
   */
  static long parse(ByteBuf buffer, int from, int lf) {
    if (lf == from || buffer.getByte(lf - 1) != '\r') {
      throw new RequestFramingException(lf == from ? "A chunk-size line is empty."
          : "A chunk-size line ends in a bare LF; end it with CRLF.");
    }
    int end = lf - 1;
    if (end - from > MAX_LINE_BYTES) {
      throw new RequestFramingException("A chunk-size line is longer than " + MAX_LINE_BYTES + " bytes.");
    }
    long size = 0;
    int at = from;
    for (; at < end; at++) {
      int digit = Character.digit(buffer.getByte(at), 16);
      if (digit < 0) {
        break;
      }
      size = size * 16 + digit;
      if (size > MAX_CHUNK_SIZE) {
        throw new RequestFramingException("A chunk size is larger than " + MAX_CHUNK_SIZE
            + " bytes; send the body in smaller chunks.");
      }
    }
    if (at == from) {
      throw new RequestFramingException("A chunk-size line does not start with a hexadecimal size.");
    }
    if (at < end) {
      if (buffer.getByte(at) != ';') {
        throw new RequestFramingException("A chunk size is followed by something other than \";\" and an extension.");
      }
      for (int i = at + 1; i < end; i++) {
        byte b = buffer.getByte(i);
        if ((b < 0x20 && b != '\t') || b == 0x7f) {
          throw new RequestFramingException("A chunk extension contains a control character.");
        }
      }
    }
    return size;
  }

  /** Bytes of extensions on a line (after the size), for the per-request bound. */
  static int extensionBytes(ByteBuf buffer, int from, int lf) {
    int at = from;
    while (at < lf && Character.digit(buffer.getByte(at), 16) >= 0) {
      at++;
    }
    return Math.max(0, lf - 1 - at);
  }
}
