package dev.gatehouse.gateway.token;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What one access-token verification costs the gateway: an RS256 token it has not seen (verified-token cache miss:
 * parsing, the RSA signature check and the claims), and one it has (cache hit). Tokens are shaped like Keycloak's
 * (about 1 KB of claims, 2048-bit RSA). See docs/benchmarks.md for the command.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenVerificationBenchmark {

  private static final int TOKENS = 64;

  private final String[] tokens = new String[TOKENS];
  private JwtTokenVerifier withoutCache;
  private JwtTokenVerifier withCache;
  private int next;

  @Setup
  public void setUp() {
    TestSigner key = TestSigner.rsa("bench-key");
    FixedKeys keys = new FixedKeys(JwtTokenVerifierTest.keysOf(key));
    MutableClock clock = new MutableClock(JwtTokenVerifierTest.NOW);
    for (int i = 0; i < TOKENS; i++) {
      tokens[i] = key.sign("RS256", keycloakLikeClaims(i));
    }
    TokenVerifierOptions options = JwtTokenVerifierTest.options();
    withoutCache = new JwtTokenVerifier(options.copy().setCacheSize(0), keys, TokenVerificationListener.NONE, clock);
    withCache = new JwtTokenVerifier(options, keys, TokenVerificationListener.NONE, clock);
    for (String token : tokens) {
      if (withoutCache.verify(token).result() == null || withCache.verify(token).result() == null) {
        throw new IllegalStateException("a benchmark token was refused");
      }
    }
  }

  /** Every call a token the verifier has not cached: the cold path. */
  @Benchmark
  public VerifiedToken rs256CacheMiss() {
    return withoutCache.verify(nextToken()).result();
  }

  /** Every call a token verified before: SHA-256 of the token and a map lookup. */
  @Benchmark
  public VerifiedToken rs256CacheHit() {
    return withCache.verify(nextToken()).result();
  }

  private String nextToken() {
    next = (next + 1) & (TOKENS - 1);
    return tokens[next];
  }

  private static JsonObject keycloakLikeClaims(int n) {
    return JwtTokenVerifierTest.claims()
        .put("sub", "5a1c4b2e-8f0d-4c1e-9b7a-" + String.format("%012d", n))
        .put("jti", "onrtac:" + java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) n}))
        .put("sid", "2f0f7c7e-53b1-4d59-a8a3-0c0e5f1c2d3b")
        .put("acr", "1").put("scope", "openid profile email").put("email_verified", true)
        .put("name", "Ada Lovelace").put("given_name", "Ada").put("family_name", "Lovelace")
        .put("allowed-origins", new JsonArray().add("https://app.example.test"))
        .put("realm_access", new JsonObject().put("roles",
            new JsonArray().add("default-roles-gatehouse").add("offline_access").add("uma_authorization").add("fellow")))
        .put("resource_access", new JsonObject().put("account", new JsonObject().put("roles",
            new JsonArray().add("manage-account").add("manage-account-links").add("view-profile"))))
        .put("permissions", new JsonArray().add("view-roles").add("manage-users").add("view-users")
            .add("view-activities").add("edit-profile").add("view-reports"));
  }
}
