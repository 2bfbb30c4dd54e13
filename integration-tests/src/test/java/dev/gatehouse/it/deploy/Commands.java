package dev.gatehouse.it.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs a command of the deployment checks to its end, with its output captured in files (no pipe can fill up). */
final class Commands {
  record Result(int exitCode, String stdout, String stderr) {}

  private Commands() {}

  /** Fails the test if the command outlives {@code timeout}; the process is killed then. */
  static Result run(ProcessBuilder builder, Duration timeout) throws IOException {
    Path out = Files.createTempFile("command", ".out");
    Path err = Files.createTempFile("command", ".err");
    try {
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", builder.command()) + " did not finish within " + timeout);
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", builder.command()), e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
