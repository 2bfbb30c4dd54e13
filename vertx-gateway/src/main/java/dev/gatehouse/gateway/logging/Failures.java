package dev.gatehouse.gateway.logging;

import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Tells failures the gateway expects in operation (a peer down, refusing, resetting, slow, or shutting down) from bugs.
 * Expected ones are logged as their message on one line, because their stack trace only shows Netty's internals;
 * anything else keeps its stack trace.
 */
public final class Failures {
  private Failures() {}

  /** True when {@code failure}, or one of its causes, is an I/O, timeout or connection condition. */
  public static boolean isExpected(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException // connection refused or reset, unknown host, TLS handshake, closed channel
          || t instanceof TimeoutException
          || t instanceof HttpClosedException
          || t instanceof StreamResetException
          || t instanceof ConnectionPoolTooBusyException
          || t instanceof ClosedConnectionException
          || (t instanceof DatabaseException db && isUnavailable(db.getSqlState()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * SQLSTATE classes that mean "PostgreSQL is unavailable or refuses this client", not "the statement is wrong":
   * 08 connection exception, 57P0x shutdown or restart, 53 insufficient resources (e.g. too many connections),
   * 28 invalid authorization.
   */
  static boolean isUnavailable(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P") || sqlState.startsWith("53")
        || sqlState.startsWith("28"));
  }

  /** The failure's own words on one line: its message (or its type when it has none), never a stack trace. */
  public static String describe(Throwable failure) {
    if (failure == null) {
      return "unknown failure";
    }
    String message = failure.getMessage();
    if (message == null || message.isBlank()) {
      Throwable cause = failure.getCause();
      return cause != null && cause != failure ? describe(cause) : failure.getClass().getSimpleName();
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
