package dev.gatehouse.gateway.proxy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Follows the frame boundaries of one direction of a tunnelled WebSocket (RFC 6455 section 5.2) without buffering
 * it: only frame headers are read, payloads are skipped by length. The gateway needs a boundary to inject its own
 * close frame into the upstream-to-client stream, and builds that frame here. Not thread-safe: one per tunnel.
 */
final class WebSocketFrames {
  /** RFC 6455 section 7.4.1: the endpoint received a message that violates its policy. */
  static final int POLICY_VIOLATION = 1008;
  /** A close frame's payload is at most 125 bytes: 2 for the code, the rest for the reason. */
  static final int MAX_REASON_BYTES = 123;
  private static final int OPCODE_CLOSE = 0x8;

  private final byte[] header = new byte[14];
  private int headerLength;
  private long payloadRemaining;
  private boolean closeSeen;

  /**
   * Reads {@code data} from {@code from}; returns where it stopped: the end of {@code data}, or with
   * {@code stopAtBoundary} the first frame boundary reached (possibly {@code from} itself).
   */
  int consume(Buffer data, int from, boolean stopAtBoundary) {
    int i = from;
    int end = data.length();
    while (i < end) {
      if (stopAtBoundary && atBoundary()) {
        return i;
      }
      if (payloadRemaining > 0) {
        int take = (int) Math.min(payloadRemaining, end - i);
        i += take;
        payloadRemaining -= take;
        continue;
      }
      header[headerLength++] = data.getByte(i++);
      if (headerLength >= 2 && headerLength == headerSize()) {
        startPayload();
      }
    }
    return i;
  }

  /** Between two frames: a frame written now is read by the peer as a frame of its own. */
  boolean atBoundary() {
    return headerLength == 0 && payloadRemaining == 0;
  }

  /** Whether a close frame has started in this direction (the peer is closing by itself). */
  boolean closeSeen() {
    return closeSeen;
  }

  private int headerSize() {
    int length7 = header[1] & 0x7f;
    boolean masked = (header[1] & 0x80) != 0;
    return 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
  }

  private void startPayload() {
    int length7 = header[1] & 0x7f;
    long length;
    if (length7 == 126) {
      length = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
    } else if (length7 == 127) {
      length = 0;
      for (int b = 2; b < 10; b++) {
        length = (length << 8) | (header[b] & 0xffL);
      }
      // The most significant bit must be 0; a peer that sets it is never at a boundary again.
      length = length < 0 ? Long.MAX_VALUE : length;
    } else {
      length = length7;
    }
    if ((header[0] & 0x0f) == OPCODE_CLOSE) {
      closeSeen = true;
    }
    headerLength = 0;
    payloadRemaining = length;
  }

  /** An unmasked (server-to-client) close frame with {@code code} and {@code reason}, cut to 123 UTF-8 bytes. */
  static Buffer closeFrame(int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(text.length, MAX_REASON_BYTES);
    if (length < text.length) {
      // Never split a multi-byte character: back up to the start of one.
      while (length > 0 && (text[length] & 0xc0) == 0x80) {
        length--;
      }
    }
    return Buffer.buffer(4 + length)
        .appendByte((byte) (0x80 | OPCODE_CLOSE))
        .appendByte((byte) (2 + length))
        .appendShort((short) code)
        .appendBytes(text, 0, length);
  }
}
