package dev.gatehouse.gateway.policy.bench;

import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.policy.ActivityDefinition;
import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.SchemaMigrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The original design's per-request SQL (unanchored {@code ~}, as it was) against the same activities in an
 * embedded PostgreSQL, one request at a time. Compare with {@link ActivityDecisionBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SqlDecisionBenchmark {
  private static final String PER_REQUEST_SQL = "SELECT COUNT(*) FROM activity_permissions pa"
      + " JOIN activities a ON a.id = pa.activity_id"
      + " WHERE a.method = $1 AND $2 ~ a.url_regex AND pa.permission = ANY($3)";

  @Param({"10", "1000", "10000"})
  public int activities;

  private EmbeddedPostgres postgres;
  private Vertx vertx;
  private Pool pool;
  private String path;
  private String[] permissions;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    vertx = Vertx.vertx();
    pool = ActivityStore.createPool(vertx, new PgConnectOptions().setHost("127.0.0.1").setPort(postgres.getPort())
        .setDatabase("postgres").setUser("postgres").setPassword("postgres"), 1);
    await(SchemaMigrations.apply(pool));
    List<Activity> all = BenchmarkActivities.generate(activities);
    await(new ActivityStore(pool).seed(all.stream()
        .map(a -> new ActivityDefinition(a.method(), a.urlRegex(), "", a.permissions())).toList()));
    await(pool.query("ANALYZE").execute());
    path = BenchmarkActivities.lastItemPath(all);
    String granting = all.stream().filter(a -> a.method().equals("GET") && path.matches(a.urlRegex()))
        .findFirst().orElseThrow().permissions().iterator().next();
    permissions = new String[] {"some-other-permission", granting, "view-roles"};
    if (!allowed()) {
      throw new IllegalStateException("the benchmark request should be allowed");
    }
  }

  @Benchmark
  public boolean perRequestSql() throws Exception {
    return allowed();
  }

  private boolean allowed() throws Exception {
    return await(pool.preparedQuery(PER_REQUEST_SQL).execute(Tuple.of("GET", path).addArrayOfString(permissions)))
        .iterator().next().getLong(0) > 0;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    await(vertx.close());
    postgres.close();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
