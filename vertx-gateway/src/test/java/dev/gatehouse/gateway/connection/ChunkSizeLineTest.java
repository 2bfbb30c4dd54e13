package dev.gatehouse.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkSizeLineTest {
  private static long parse(String lineWithEnd) {
    ByteBuf buffer = Unpooled.copiedBuffer("xx" + lineWithEnd, StandardCharsets.ISO_8859_1);
    return ChunkSizeLine.parse(buffer, 2, buffer.indexOf(2, buffer.writerIndex(), (byte) '\n'));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "0|0", "1|1", "a|10", "A|10", "ff|255", "0000000000000000000000011|17", "7fffffff|2147483647",
      "5;name=value|5", "5;a;b=\"q;x\"|5", "5;\tx|5"})
  void reads(String line, long size) {
    assertThat(parse(line + "\r\n")).isEqualTo(size);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
      "100000011|larger than", "80000000|larger than", "0000000100000011|larger than",
      "ffffffffffffffffffff|larger than", "|does not start", "x1|does not start", " 5|does not start",
      "-5|does not start", "0x5|other than", "5 |other than", "5 ;a|other than", "5 x|other than"})
  void refuses(String line, String reason) {
    String text = line == null ? "" : line;
    assertThatThrownBy(() -> parse(text + "\r\n")).isInstanceOf(RequestFramingException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void refusesABareLfAndControlCharactersInExtensions() {
    assertThatThrownBy(() -> parse("5\n")).hasMessageContaining("bare LF");
    assertThatThrownBy(() -> parse("5;a\u0001b\r\n")).hasMessageContaining("control character");
    // A CR inside the line: another parser could end the line there.
    assertThatThrownBy(() -> parse("5;a\rb\r\n")).hasMessageContaining("control character");
  }

  @Test
  void refusesLinesPastTheBound() {
    assertThatThrownBy(() -> parse("5;" + "e".repeat(ChunkSizeLine.MAX_LINE_BYTES) + "\r\n"))
        .hasMessageContaining("longer than");
    assertThat(parse("5;" + "e".repeat(ChunkSizeLine.MAX_LINE_BYTES - 2) + "\r\n")).isEqualTo(5);
  }
}
