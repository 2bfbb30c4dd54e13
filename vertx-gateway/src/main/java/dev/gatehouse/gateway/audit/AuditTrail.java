package dev.gatehouse.gateway.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The decision audit trail of one gateway, built from {@link AuditOptions}: recorder, sinks, the request hooks. */
public final class AuditTrail {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

  private final DecisionRecorder recorder;
  private final RequestAudit requests;
  private final DecisionStore store;

  private AuditTrail(DecisionRecorder recorder, RequestAudit requests, DecisionStore store) {
    this.recorder = recorder;
    this.requests = requests;
    this.store = store;
  }

  /**
   * Starts the writer thread when records are on. {@code pool} is the gateway's PostgreSQL pool, used only with
   * {@code audit.postgres.enabled} (the {@code decisions} table comes with the schema migrations).
   */
  public static AuditTrail start(AuditOptions options, Pool pool, MeterRegistry registry) {
    if (!options.enabled()) {
      LOG.info("Decision records are off (audit.enabled=false)");
      return new AuditTrail(null, RequestAudit.off(), null);
    }
    List<DecisionSink> sinks = new ArrayList<>();
    try {
      sinks.add(options.file() == null ? JsonLinesSink.stdout() : JsonLinesSink.file(options.file()));
    } catch (IOException e) {
      throw new UncheckedIOException("audit.file " + options.file() + ": cannot be opened for appending (" + e
          + "); check the directory's permissions, or leave audit.file out to write records to stdout", e);
    }
    DecisionStore store = null;
    if (options.postgres()) {
      store = new DecisionStore(pool);
      sinks.add(new DecisionStore.Sink(store, options.retention()));
    }
    DecisionRecorder recorder = new DecisionRecorder(sinks, options.queueCapacity(), registry);
    LOG.info("Decision records: JSON lines to {}{}; allowed requests sampled at {} (denials and errors always)",
        options.file() == null ? "stdout" : options.file(),
        options.postgres() ? " and PostgreSQL (kept " + options.retention().toDays() + " days)" : "",
        options.allowSampleRate());
    return new AuditTrail(recorder, new RequestAudit(recorder, options.allowSampleRate()), store);
  }

  /** The hooks for the request path ({@link RequestAudit#off()} when records are off). */
  public RequestAudit requests() {
    return requests;
  }

  /** The searchable store, or null unless {@code audit.postgres.enabled}. */
  public DecisionStore store() {
    return store;
  }

  /** Writes what is queued and closes the sinks; blocks up to a few seconds, so not on an event loop. */
  public void close() {
    if (recorder != null) {
      recorder.close();
    }
  }
}
