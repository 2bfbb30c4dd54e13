package dev.gatehouse.gateway.audit;

import java.util.List;

/**
 * Where decision records go. Called only from the recorder's writer thread, one batch at a time, so an
 * implementation may block (file I/O, waiting for PostgreSQL) without ever touching an event loop.
 */
public interface DecisionSink extends AutoCloseable {
  /** Writes a batch; throwing drops the batch (counted) and the next batch is tried as usual. */
  void write(List<DecisionRecord> batch) throws Exception;

  /** Called on the writer thread between batches, at most every few seconds (retention, flushing). */
  default void housekeeping() throws Exception {}

  @Override
  default void close() throws Exception {}
}
