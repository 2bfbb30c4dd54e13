package dev.gatehouse.gateway.policy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** A real PostgreSQL for one test class, plus the small waiting helpers the tests share. */
public final class PostgresFixture implements AutoCloseable {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  public final EmbeddedPostgres postgres;
  public final Vertx vertx = Vertx.vertx();

  public PostgresFixture() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
  }

  PgConnectOptions options(String database) {
    return new PgConnectOptions().setHost("127.0.0.1").setPort(postgres.getPort())
        .setDatabase(database).setUser("postgres").setPassword("postgres");
  }

  /** A fresh, empty database, so tests do not see each other's rows. */
  public PgConnectOptions newDatabase() {
    String name = "gatehouse_test_" + DATABASES.incrementAndGet();
    Pool admin = ActivityStore.createPool(vertx, options("postgres"), 1);
    try {
      await(admin.query("CREATE DATABASE " + name).execute());
    } finally {
      await(admin.close());
    }
    return options(name);
  }

  /** A migrated, empty database and a pool on it. */
  Pool newMigratedPool() {
    Pool pool = ActivityStore.createPool(vertx, newDatabase(), 4);
    await(SchemaMigrations.apply(pool));
    return pool;
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  static Throwable failureOf(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("expected the future to fail, but it succeeded");
  }

  /** Polls {@code condition} until it holds or {@code deadline} passes; returns whether it held. */
  public static boolean eventually(BooleanSupplier condition, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    return condition.getAsBoolean();
  }

  @Override
  public void close() throws IOException {
    await(vertx.close());
    postgres.close();
  }
}
