package dev.gatehouse.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebSocketFramesTest {

  private static Buffer frame(int opcode, int payloadLength, boolean masked) {
    Buffer frame = Buffer.buffer().appendByte((byte) (0x80 | opcode));
    int maskBit = masked ? 0x80 : 0;
    if (payloadLength < 126) {
      frame.appendByte((byte) (maskBit | payloadLength));
    } else if (payloadLength <= 0xffff) {
      frame.appendByte((byte) (maskBit | 126)).appendShort((short) payloadLength);
    } else {
      frame.appendByte((byte) (maskBit | 127)).appendLong(payloadLength);
    }
    if (masked) {
      frame.appendInt(0x01020304);
    }
    return frame.appendBytes(new byte[payloadLength]);
  }

  @Test
  void findsBoundariesAcrossEveryLengthFormEvenWhenSplitByteByByte() {
    Buffer stream = Buffer.buffer()
        .appendBuffer(frame(0x1, 5, false))
        .appendBuffer(frame(0x2, 300, false))
        .appendBuffer(frame(0x2, 70_000, true))
        .appendBuffer(frame(0x9, 0, false));
    int[] boundaries = {7, 7 + 304, 7 + 304 + 70_014, 7 + 304 + 70_014 + 2};
    WebSocketFrames frames = new WebSocketFrames();
    int found = 0;
    for (int i = 0; i < stream.length(); i++) {
      assertThat(frames.consume(stream.slice(i, i + 1), 0, false)).isEqualTo(1);
      if (frames.atBoundary()) {
        assertThat(i + 1).isEqualTo(boundaries[found++]);
      }
    }
    assertThat(found).isEqualTo(boundaries.length);
  }

  @Test
  void stopsAtTheFirstBoundaryWhenAsked() {
    Buffer two = Buffer.buffer().appendBuffer(frame(0x1, 10, false)).appendBuffer(frame(0x1, 10, false));
    WebSocketFrames frames = new WebSocketFrames();
    assertThat(frames.consume(two.slice(0, 5), 0, false)).isEqualTo(5);
    assertThat(frames.atBoundary()).isFalse();

    assertThat(frames.consume(two.slice(5, two.length()), 0, true)).as("rest of the first frame").isEqualTo(7);
    assertThat(frames.atBoundary()).isTrue();
    assertThat(frames.consume(two, 0, true)).as("already at a boundary").isZero();
  }

  @Test
  void noticesTheUpstreamClosingByItself() {
    WebSocketFrames frames = new WebSocketFrames();
    frames.consume(frame(0x1, 3, false), 0, false);
    assertThat(frames.closeSeen()).isFalse();
    frames.consume(WebSocketFrames.closeFrame(1000, "bye"), 0, false);
    assertThat(frames.closeSeen()).isTrue();
    assertThat(frames.atBoundary()).isTrue();
  }

  @Test
  void closeFrameIsUnmaskedWithCodeAndReason() {
    Buffer close = WebSocketFrames.closeFrame(1008, "session ended, sign in again");
    assertThat((int) close.getUnsignedByte(0)).isEqualTo(0x88);
    assertThat((int) close.getUnsignedByte(1)).isEqualTo(2 + 28);
    assertThat(close.getUnsignedShort(2)).isEqualTo(1008);
    assertThat(close.getString(4, close.length(), "UTF-8")).isEqualTo("session ended, sign in again");
  }

  @Test
  void closeReasonIsCutTo123BytesWithoutSplittingACharacter() {
    Buffer close = WebSocketFrames.closeFrame(1008, "é".repeat(100));
    int payload = close.getUnsignedByte(1);
    assertThat(payload).isLessThanOrEqualTo(125);
    String reason = close.getString(4, close.length(), "UTF-8");
    assertThat(reason).isEqualTo("é".repeat(61));
    assertThat(reason.getBytes(StandardCharsets.UTF_8)).hasSize(payload - 2);
  }
}
