package dev.gatehouse.gateway.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * JSON lines to stdout (the default: the container runtime's log driver ships them) or appended to a file. Each batch
 * is flushed whole, so a reader never sees half a line from a finished batch, and only then: one write per batch,
 * not per record (the writer thread shares the CPU with the event loops). Used by the writer thread only.
 */
public final class JsonLinesSink implements DecisionSink {
  private final OutputStream out;
  private final JsonGenerator json;
  private final RecordTimes times = new RecordTimes();
  private final boolean ownsStream;

  private JsonLinesSink(OutputStream out, boolean ownsStream) {
    this.out = new BufferedOutputStream(out, 64 * 1024);
    this.ownsStream = ownsStream;
    try {
      this.json = DecisionJson.linesTo(this.out);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write decision records: " + e.getMessage(), e);
    }
  }

  /** The process's stdout, written directly (not through {@code System.out}, whose every call takes a lock). */
  public static JsonLinesSink stdout() {
    return new JsonLinesSink(new FileOutputStream(FileDescriptor.out), false);
  }

  /**
   * Appends to {@code file}, creating it. Rotate it with a tool that copies and truncates (logrotate's
   * {@code copytruncate}): the file stays open.
   */
  public static JsonLinesSink file(Path file) throws IOException {
    return new JsonLinesSink(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
        StandardOpenOption.WRITE), true);
  }

  /** For tests and embedding: any stream. */
  public static JsonLinesSink to(OutputStream out) {
    return new JsonLinesSink(out, false);
  }

  @Override
  public void write(List<DecisionRecord> batch) throws IOException {
    for (DecisionRecord record : batch) {
      DecisionJson.writeLine(record, json, times);
    }
    json.flush();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    json.flush();
    out.flush();
    if (ownsStream) {
      out.close();
    }
  }
}
