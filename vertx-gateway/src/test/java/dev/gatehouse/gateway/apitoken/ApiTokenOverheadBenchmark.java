package dev.gatehouse.gateway.apitoken;

import dev.gatehouse.gateway.token.MutableClock;
import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the API-token layer adds per request, with the access-token verifier replaced by a constant answer so that
 * only the layer itself is timed: a JWT passing through it (one prefix check) and an API token with a warm
 * resolution cache (format and checksum, SHA-256, cache lookup, one compose). See docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ApiTokenOverheadBenchmark {
  private static final String JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0." + "e".repeat(900) + "." + "s".repeat(342);
  private static final Future<VerifiedToken> VERIFIED = Future.succeededFuture(new VerifiedToken("carol", "carol",
      "carol@example.com", Set.of("view-users"), Set.of("fellow"), "gateway", 4_000_000_000L));

  private final TokenVerifier constant = new TokenVerifier() {
    @Override
    public Future<VerifiedToken> verify(String compactJwt) {
      return VERIFIED;
    }

    @Override
    public boolean ready() {
      return true;
    }
  };
  private Vertx vertx;
  private ApiTokenVerifier layered;
  private String apiToken;

  @Setup
  public void setUp() throws Exception {
    vertx = Vertx.vertx();
    MutableClock clock = new MutableClock(Instant.now());
    StubTokenEndpoint keycloak = new StubTokenEndpoint(vertx, () -> clock.instant().getEpochSecond());
    apiToken = ApiTokenFormatTest.randomToken();
    keycloak.owner(apiToken, "carol", 300);
    ApiTokenResolver resolver = new ApiTokenResolver(WebClient.create(vertx), keycloak.options(),
        new TestAccessTokens(), ApiTokenListener.NONE, clock);
    layered = new ApiTokenVerifier(constant, resolver);
    layered.verify(apiToken).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @TearDown
  public void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Benchmark
  public Future<VerifiedToken> jwtWithoutTheLayer() {
    return constant.verify(JWT);
  }

  @Benchmark
  public Future<VerifiedToken> jwtThroughTheLayer() {
    return layered.verify(JWT);
  }

  @Benchmark
  public Future<VerifiedToken> apiTokenCacheWarm() {
    return layered.verify(apiToken);
  }
}
