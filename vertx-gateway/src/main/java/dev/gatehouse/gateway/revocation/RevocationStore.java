package dev.gatehouse.gateway.revocation;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** The {@code revocations} table (schema: {@code V003__revocations.sql}, revocation contract). */
public final class RevocationStore {
  public static final String CHANNEL = "gatehouse_revocations";
  private static final String COLUMNS = "SELECT id, kind, key, not_before, reason, expires_at FROM revocations";
  /**
   * Ids come from a sequence, so a transaction can commit a lower id after a higher one is already visible. The
   * incremental read therefore also re-reads rows created in this recent window (re-applying a row is harmless).
   */
  static final String RECENT_WINDOW = "60 seconds";

  private final Pool pool;

  public RevocationStore(Pool pool) {
    this.pool = pool;
  }

  /** Every row that can still affect a token. */
  public Future<List<Revocation>> loadAll(long nowMillis) {
    return pool.preparedQuery(COLUMNS + " WHERE expires_at > $1 ORDER BY id")
        .execute(Tuple.of(nowMillis))
        .map(RevocationStore::rows);
  }

  /** Rows after {@code afterId}, plus the recent window (see {@link #RECENT_WINDOW}). */
  public Future<List<Revocation>> loadSince(long afterId, long nowMillis) {
    return pool.preparedQuery(COLUMNS + " WHERE (id > $1 OR created_at > now() - interval '" + RECENT_WINDOW
            + "') AND expires_at > $2 ORDER BY id")
        .execute(Tuple.of(afterId, nowMillis))
        .map(RevocationStore::rows);
  }

  /** Deletes rows that can affect no token any more; idempotent, so every gateway may run it. */
  public Future<Integer> purgeExpired(long nowMillis) {
    return pool.preparedQuery("DELETE FROM revocations WHERE expires_at < $1")
        .execute(Tuple.of(nowMillis))
        .map(rows -> rows.rowCount());
  }

  private static List<Revocation> rows(Iterable<Row> rows) {
    List<Revocation> out = new ArrayList<>();
    for (Row row : rows) {
      out.add(new Revocation(row.getLong("id"), RevocationKind.fromColumn(row.getString("kind")),
          row.getString("key"), row.getLong("not_before"), row.getString("reason"), row.getLong("expires_at")));
    }
    return out;
  }
}
