package dev.gatehouse.keycloak.revocation;

import dev.gatehouse.keycloak.mapper.WarningThrottle;
import jakarta.persistence.EntityManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * One thread per Keycloak node that moves committed outbox rows to the gateways' database. It runs when a transaction
 * that recorded revocations commits on this node, and every poll interval (to retry, and to adopt rows another node
 * recorded but did not deliver within the orphan age, e.g. because it stopped). While the gateways' database is
 * unreachable it retries with exponential backoff; rows stay in Keycloak's database meanwhile, across restarts. Rows
 * whose lifespan is over are dropped undelivered: they could no longer refuse any token.
 */
final class RevocationRelay {
  private static final Logger LOG = Logger.getLogger(RevocationRelay.class);
  private static final int BATCH = 200;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
  /** Commit times are a precision hint; the map is cleared rather than allowed to grow if the relay falls behind. */
  private static final int MAX_COMMIT_HINTS = 100_000;

  private final KeycloakSessionFactory sessions;
  private final RevocationSettings settings;
  private final String node;
  private final Clock clock;
  private final GatewayDatabase gateway;
  private final Semaphore wake = new Semaphore(0);
  private final Map<String, Long> committedAt = new ConcurrentHashMap<>();
  private final WarningThrottle warnings = new WarningThrottle(Duration.ofMinutes(1), System::nanoTime);
  private volatile boolean running;
  private volatile long backlog;
  private Thread thread;
  private int failedAttempts;

  RevocationRelay(KeycloakSessionFactory sessions, RevocationSettings settings, String node, Clock clock) {
    this.sessions = sessions;
    this.settings = settings;
    this.node = node;
    this.clock = clock;
    this.gateway = new GatewayDatabase(settings);
  }

  synchronized void start() {
    running = true;
    thread = new Thread(this::run, "gatehouse-revocation-relay");
    thread.setDaemon(true);
    thread.start();
  }

  /** Called after a transaction that recorded rows committed: deliver now, with not-before at the commit. */
  void committed(List<String> outboxIds, long commitMillis) {
    if (committedAt.size() > MAX_COMMIT_HINTS) {
      committedAt.clear();
    }
    outboxIds.forEach(id -> committedAt.put(id, commitMillis));
    wake.release();
  }

  /** Rows this relay last saw waiting (this node's and adopted ones), for logs and tests. */
  long backlog() {
    return backlog;
  }

  synchronized void stop() {
    running = false;
    if (thread != null) {
      wake.release();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    }
    gateway.close();
  }

  private void run() {
    Duration backoff = Duration.ZERO;
    while (running) {
      boolean more = false;
      try {
        more = deliverOnce();
        if (failedAttempts > 0) {
          LOG.infof("Gatehouse revocations: delivered to %s again after %d failed attempts.",
              settings.jdbcUrlForLogs(), failedAttempts);
        }
        failedAttempts = 0;
        backoff = Duration.ZERO;
      } catch (Exception e) {
        failedAttempts++;
        backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), settings.maxBackoff());
        reportFailure(e, backoff);
      } catch (Throwable t) {
        // Never let the thread die: revocations would silently pile up.
        LOG.error("Gatehouse revocations: unexpected error in the relay; it keeps running.", t);
        backoff = settings.maxBackoff();
      }
      if (!more) {
        awaitWake(backoff.isZero() ? settings.pollInterval() : backoff);
      }
    }
  }

  /** Returns whether a full batch went out (so more may be waiting). */
  private boolean deliverOnce() throws SQLException {
    long now = clock.millis();
    long orphanedBefore = now - settings.orphanAge().toMillis();
    List<PendingRevocation> batch = inTransaction(session -> {
      EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
      int dropped = em.createQuery("delete from RevocationOutboxEntity o where o.expiresAt < :now")
          .setParameter("now", now).executeUpdate();
      if (dropped > 0) {
        LOG.warnf("Gatehouse revocations: dropped %d undelivered revocations whose token lifespan is over (the"
            + " gateways' database was unreachable for longer than %s).", dropped, settings.maxTokenLifespan());
      }
      backlog = em.createQuery("select count(o) from RevocationOutboxEntity o where o.node = :node"
              + " or o.createdAt < :orphanedBefore", Long.class)
          .setParameter("node", node).setParameter("orphanedBefore", orphanedBefore).getSingleResult();
      return em.createQuery("select o from RevocationOutboxEntity o where o.node = :node"
              + " or o.createdAt < :orphanedBefore order by o.createdAt, o.id", RevocationOutboxEntity.class)
          .setParameter("node", node).setParameter("orphanedBefore", orphanedBefore)
          .setMaxResults(BATCH)
          .getResultStream().map(PendingRevocation::of).toList();
    });
    if (batch.isEmpty()) {
      return false;
    }
    gateway.insert(batch.stream().map(row -> row.committedAt(committedAt.get(row.id()))).toList());
    List<String> ids = batch.stream().map(PendingRevocation::id).toList();
    inTransaction(session -> session.getProvider(JpaConnectionProvider.class).getEntityManager()
        .createQuery("delete from RevocationOutboxEntity o where o.id in :ids")
        .setParameter("ids", ids).executeUpdate());
    ids.forEach(committedAt::remove);
    backlog = Math.max(0, backlog - ids.size());
    LOG.debugf("Gatehouse revocations: delivered %d", ids.size());
    return batch.size() == BATCH;
  }

  private void reportFailure(Exception e, Duration retryIn) {
    if (!warnings.shouldLog("delivery")) {
      return;
    }
    String cause = failureCause(e);
    LOG.warnf("Gatehouse revocations: cannot deliver %d waiting revocations to %s: %s. They stay in Keycloak's"
            + " database (GATEHOUSE_REVOCATION_OUTBOX) and delivery is retried (next in %d ms); gateways refuse"
            + " revoked tokens only once it succeeds. (This warning repeats at most once a minute.)",
        backlog, settings.jdbcUrlForLogs(), cause, retryIn.toMillis());
  }

  /** What went wrong, with what to do for the causes a new installation meets. */
  static String failureCause(Exception e) {
    if (e instanceof SQLException sql && GatewayDatabase.UNDEFINED_TABLE.equals(sql.getSQLState())) {
      return "the table revocations does not exist there yet: start a gateway once (it creates the table with its"
          + " migration V003__revocations.sql), or point " + RevocationSettings.name(RevocationSettings.JDBC_URL)
          + " at the gateways' database";
    }
    if (e instanceof SQLException sql && GatewayDatabase.INSUFFICIENT_PRIVILEGE.equals(sql.getSQLState())) {
      return e.getMessage() + ". The database user of " + RevocationSettings.name(RevocationSettings.JDBC_USERNAME)
          + " lacks CONNECT or its grants on revocations: a gateway grants them to gatehouse_revocation_writer at its"
          + " first start only if the role existed by then; otherwise run the gateway's sql/revocation-writer-role.sql"
          + " in its database (docs/operations.md, \"A least-privileged user for the relay\")";
    }
    return e.getMessage();
  }

  private void awaitWake(Duration timeout) {
    try {
      if (wake.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        wake.drainPermits();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private <T> T inTransaction(java.util.function.Function<KeycloakSession, T> work) {
    return KeycloakModelUtils.runJobInTransactionWithResult(sessions, work::apply);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
