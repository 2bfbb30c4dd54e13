package dev.gatehouse.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Records what reaches stderr while open: every line the gateway logs (slf4j-simple writes each event to the current
 * {@code System.err}) and whatever a library prints there by itself. It still passes everything on to the real stderr.
 */
public final class LogCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream recorded = new ByteArrayOutputStream();

  private LogCapture() {
    OutputStream tee = new OutputStream() {
      @Override
      public synchronized void write(int b) {
        original.write(b);
        recorded.write(b);
      }

      @Override
      public synchronized void write(byte[] bytes, int offset, int length) {
        original.write(bytes, offset, length);
        recorded.write(bytes, offset, length);
      }

      @Override
      public void flush() {
        original.flush();
      }
    };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  public List<String> lines() {
    synchronized (recorded) {
      return recorded.toString(StandardCharsets.UTF_8).lines().toList();
    }
  }

  /** Log lines from the logger named {@code loggerName} (slf4j-simple writes "time LEVEL logger - message"). */
  public List<String> linesFrom(String loggerName) {
    String marker = " " + loggerName + " - ";
    return lines().stream().filter(line -> line.contains(marker)).toList();
  }

  public List<String> linesFrom(Class<?> logger) {
    return linesFrom(logger.getName());
  }

  /** Lines of printed stack traces ("\tat ...", "Caused by: ..."), from anyone. */
  public List<String> stackTraceLines() {
    return lines().stream().filter(line -> line.startsWith("\tat ") || line.startsWith("Caused by: ")).toList();
  }

  public List<String> linesContaining(String text) {
    return lines().stream().filter(line -> line.contains(text)).toList();
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
