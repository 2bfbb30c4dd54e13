package dev.gatehouse.gateway.tracing;

import io.opentelemetry.api.trace.SpanContext;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/** For log encoders: the trace of the request whose handler is running on this thread, if tracing is on. */
public final class LogCorrelation {
  private LogCorrelation() {}

  /** The current request's span context, or null (no request, or tracing off). */
  public static SpanContext current() {
    if (Vertx.currentContext() instanceof ContextInternal context && context.isDuplicate()) {
      // getLocal, not localContextData(): reading must not create the map on requests that were never traced.
      java.util.concurrent.ConcurrentMap<Object, Object> data = context.getLocal(ContextInternal.LOCAL_MAP);
      if (data != null && data.get(GatewayTracing.LOG_CORRELATION) instanceof SpanContext span) {
        return span;
      }
    }
    return null;
  }
}
