package dev.gatehouse.gateway.logging;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * A logger for failures that repeat: per key, the first occurrence is logged, and repeats within the interval are only
 * counted. When the interval is over, {@link #reportSuppressedEverywhere()} (the gateway calls it on a timer) logs one
 * summary with the count and the latest message; a repeat after the interval also logs at once, with the count. So a
 * failure that lasts logs one line per interval however many requests meet it.
 *
 * <p>Keys name the condition, not the request ("upstream /api refused"), so that their number stays small.
 */
public final class RateLimitedLog {
  /** How often one repeated failure is logged, unless the owner chooses otherwise. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  /** A safety cap: keys are meant to be few; past this many the oldest windows are forgotten (and re-logged). */
  private static final int MAX_KEYS = 1_000;
  private static final Set<RateLimitedLog> SHARED = ConcurrentHashMap.newKeySet();

  private final Logger logger;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  RateLimitedLog(Logger logger, Duration interval, LongSupplier nanoClock) {
    this.logger = logger;
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
  }

  /** A limiter on {@code logger} whose summaries {@link #reportSuppressedEverywhere()} reports. */
  public static RateLimitedLog of(Logger logger, Duration interval) {
    RateLimitedLog log = new RateLimitedLog(logger, interval, System::nanoTime);
    SHARED.add(log);
    return log;
  }

  public static RateLimitedLog of(Logger logger) {
    return of(logger, DEFAULT_INTERVAL);
  }

  /** Summaries for every shared limiter whose interval is over: the gateway's timer calls this. */
  public static void reportSuppressedEverywhere() {
    SHARED.forEach(log -> log.reportSuppressed(false));
  }

  /** Summaries for everything still counted, interval over or not: for shutdown, so no count is lost. */
  public static void flushSuppressedEverywhere() {
    SHARED.forEach(log -> log.reportSuppressed(true));
  }

  /** Forgets every shared limiter's counts and intervals, so the next occurrence of anything logs (tests). */
  public static void forgetEverywhere() {
    SHARED.forEach(log -> log.windows.clear());
  }

  public void warn(String key, String format, Object... arguments) {
    log(Level.WARN, key, format, arguments);
  }

  public void error(String key, String format, Object... arguments) {
    log(Level.ERROR, key, format, arguments);
  }

  public void info(String key, String format, Object... arguments) {
    log(Level.INFO, key, format, arguments);
  }

  /** Logs now unless {@code key} was logged less than an interval ago; then only counts it (and keeps the message). */
  public void log(Level level, String key, String format, Object... arguments) {
    if (!logger.isEnabledForLevel(level)) {
      return;
    }
    if (windows.size() >= MAX_KEYS && !windows.containsKey(key)) {
      windows.clear();
    }
    Window window = windows.computeIfAbsent(key, k -> new Window());
    long now = nanoClock.getAsLong();
    long suppressed;
    long since;
    synchronized (window) {
      if (window.open && now - window.openedAt < intervalNanos) {
        window.suppressed++;
        window.level = level;
        window.format = format;
        window.arguments = arguments;
        return;
      }
      suppressed = window.suppressed;
      since = now - window.openedAt;
      window.open = true;
      window.openedAt = now;
      window.suppressed = 0;
      window.format = null;
      window.arguments = null;
    }
    emit(level, suppressed == 0 ? format : format + repeatNote(suppressed, since), arguments);
  }

  /** Logs one summary per key with repeats counted and (unless {@code all}) its interval over. */
  void reportSuppressed(boolean all) {
    long now = nanoClock.getAsLong();
    windows.forEach((key, window) -> {
      long suppressed;
      long since;
      Level level;
      String format;
      Object[] arguments;
      synchronized (window) {
        if (window.suppressed == 0 || (!all && now - window.openedAt < intervalNanos)) {
          return;
        }
        suppressed = window.suppressed;
        since = now - window.openedAt;
        level = window.level;
        format = window.format;
        arguments = window.arguments;
        // The summary opens a new interval: a failure that goes on yields one summary per interval.
        window.openedAt = now;
        window.suppressed = 0;
        window.format = null;
        window.arguments = null;
      }
      emit(level, format + repeatNote(suppressed, since), arguments);
    });
  }

  /** Through the plain methods, so that a trailing Throwable argument is printed as the cause, as SLF4J does. */
  private void emit(Level level, String format, Object[] arguments) {
    switch (level) {
      case ERROR -> logger.error(format, arguments);
      case WARN -> logger.warn(format, arguments);
      case INFO -> logger.info(format, arguments);
      case DEBUG -> logger.debug(format, arguments);
      case TRACE -> logger.trace(format, arguments);
    }
  }

  private String repeatNote(long suppressed, long sinceNanos) {
    return " [repeated " + suppressed + (suppressed == 1 ? " time" : " times") + " in the last "
        + Math.max(1, Math.round(sinceNanos / 1e9)) + " s; logged at most once per "
        + Math.max(1, Math.round(intervalNanos / 1e9)) + " s]";
  }

  private static final class Window {
    boolean open;
    long openedAt;
    long suppressed;
    Level level;
    String format;
    Object[] arguments;
  }
}
