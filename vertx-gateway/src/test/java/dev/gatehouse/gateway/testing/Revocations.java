package dev.gatehouse.gateway.testing;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes revocation rows the way the Keycloak side does (revocation contract: insert plus NOTIFY in one statement,
 * so one transaction), and polls a gateway until it answers as expected. Reusable by end-to-end tests.
 */
public final class Revocations {
  private static final String INSERT = "WITH r AS (INSERT INTO revocations (kind, key, not_before, reason, expires_at,"
      + " source) VALUES ($1, $2, $3, $4, $5, 'test') RETURNING id) SELECT id, pg_notify('gatehouse_revocations',"
      + " id::text) FROM r";
  private static final String INSERT_QUIETLY = "INSERT INTO revocations (kind, key, not_before, reason, expires_at,"
      + " source) VALUES ($1, $2, $3, $4, $5, 'test') RETURNING id";

  private Revocations() {}

  /** Revokes tokens of {@code kind}/{@code key} issued up to now; the row lives an hour. Completes with its id. */
  public static Future<Long> revoke(SqlClient db, String kind, String key, String reason) {
    long now = System.currentTimeMillis();
    return insert(db, INSERT, kind, key, now, reason, now + 3_600_000L);
  }

  /** The same row without NOTIFY: as if the notification was lost; only a poll or a catch-up read finds it. */
  public static Future<Long> revokeWithoutNotify(SqlClient db, String kind, String key, String reason) {
    long now = System.currentTimeMillis();
    return insert(db, INSERT_QUIETLY, kind, key, now, reason, now + 3_600_000L);
  }

  private static Future<Long> insert(SqlClient db, String sql, String kind, String key, long notBefore, String reason,
      long expiresAt) {
    return db.preparedQuery(sql).execute(Tuple.of(kind, key, notBefore, reason, expiresAt))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  /** Sends {@code request} until it answers {@code status}; returns that answer, or the last one after the deadline. */
  public static HttpResponse<String> awaitStatus(Callable<HttpResponse<String>> request, int status,
      Duration deadline) throws Exception {
    long end = System.nanoTime() + deadline.toNanos();
    HttpResponse<String> last = request.call();
    while (last.statusCode() != status && System.nanoTime() < end) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      last = request.call();
    }
    return last;
  }
}
