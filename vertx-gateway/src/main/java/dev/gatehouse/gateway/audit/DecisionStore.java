package dev.gatehouse.gateway.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code decisions} table (migration V005): batched inserts, retention, search. */
public final class DecisionStore {
  private static final String COLUMNS = "time, request_id, trace_id, decision, status, reason, subject, username,"
      + " client, credential, api_token_id, method, path, activity_id, permission, shadow, upstream_status,"
      + " upstream_ms";
  private static final String INSERT = "INSERT INTO decisions (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7,"
      + " $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)";
  /** Deletes in slices so that no statement holds many row locks or runs for long. */
  private static final String DELETE_SLICE = "DELETE FROM decisions WHERE id IN (SELECT id FROM decisions"
      + " WHERE time < $1 LIMIT $2)";
  private static final String SEARCH = "SELECT " + COLUMNS + " FROM decisions WHERE ($1::text IS NULL OR subject = $1)"
      + " AND ($2::text IS NULL OR username = $2) AND ($3::text IS NULL OR decision = $3) AND time >= $4 AND time < $5"
      + " ORDER BY time DESC, id DESC LIMIT $6";
  static final int DELETE_SLICE_ROWS = 10_000;

  private final Pool pool;

  public DecisionStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> insert(List<DecisionRecord> batch) {
    List<Tuple> rows = new ArrayList<>(batch.size());
    for (DecisionRecord r : batch) {
      rows.add(Tuple.from(new Object[] {OffsetDateTime.ofInstant(r.time(), ZoneOffset.UTC), r.requestId(),
          r.traceId(), r.decision(), r.status(), r.reason(), r.subject(), r.username(), r.client(), r.credential(),
          r.apiTokenId(), r.method(), r.path(), r.activityId(), r.permission(), r.shadow(), r.upstreamStatus(),
          r.upstreamMillis()}));
    }
    return pool.preparedQuery(INSERT).executeBatch(rows).mapEmpty();
  }

  /** Deletes rows older than {@code before}, slice by slice; the future holds how many went. */
  public Future<Long> deleteOlderThan(Instant before) {
    return deleteSlices(OffsetDateTime.ofInstant(before, ZoneOffset.UTC), 0);
  }

  private Future<Long> deleteSlices(OffsetDateTime before, long deletedSoFar) {
    return pool.preparedQuery(DELETE_SLICE).execute(Tuple.of(before, DELETE_SLICE_ROWS)).compose(rows -> {
      long total = deletedSoFar + rows.rowCount();
      return rows.rowCount() < DELETE_SLICE_ROWS ? Future.succeededFuture(total) : deleteSlices(before, total);
    });
  }

  public Future<List<DecisionRecord>> search(DecisionQuery query) {
    return pool.preparedQuery(SEARCH).execute(Tuple.from(new Object[] {query.subject(), query.username(),
        query.decision(), OffsetDateTime.ofInstant(query.since(), ZoneOffset.UTC),
        OffsetDateTime.ofInstant(query.until(), ZoneOffset.UTC), query.limit()})).map(DecisionStore::records);
  }

  private static List<DecisionRecord> records(RowSet<Row> rows) {
    List<DecisionRecord> records = new ArrayList<>(rows.size());
    for (Row row : rows) {
      records.add(new DecisionRecord(row.getOffsetDateTime("time").toInstant(), row.getString("request_id"),
          row.getString("trace_id"), row.getString("decision"), row.getInteger("status"), row.getString("reason"),
          row.getString("subject"), row.getString("username"), row.getString("client"), row.getString("credential"),
          row.getString("api_token_id"), row.getString("method"), row.getString("path"), row.getLong("activity_id"),
          row.getString("permission"), row.getString("shadow"), row.getInteger("upstream_status"),
          row.getDouble("upstream_ms")));
    }
    return records;
  }

  /** The writer thread's sink: it waits for each batch (off the event loop), so one batch is in flight at a time. */
  static final class Sink implements DecisionSink {
    private static final long RETENTION_EVERY_NANOS = TimeUnit.HOURS.toNanos(1);
    private final DecisionStore store;
    private final java.time.Duration retention;
    private long lastRetention = System.nanoTime() - RETENTION_EVERY_NANOS;

    Sink(DecisionStore store, java.time.Duration retention) {
      this.store = store;
      this.retention = retention;
    }

    @Override
    public void write(List<DecisionRecord> batch) throws Exception {
      store.insert(batch).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void housekeeping() throws Exception {
      if (System.nanoTime() - lastRetention < RETENTION_EVERY_NANOS) {
        return;
      }
      lastRetention = System.nanoTime();
      store.deleteOlderThan(Instant.now().minus(retention)).toCompletionStage().toCompletableFuture()
          .get(5, TimeUnit.MINUTES);
    }
  }
}
