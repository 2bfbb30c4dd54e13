package dev.gatehouse.gateway.credential;

import dev.gatehouse.gateway.token.TokenDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What reading the credential costs on every request before any cache is consulted: the {@code Authorization} header
 * of a Keycloak-sized token (about 1.1 KB) checked to be one token68 value, and the SHA-256 that keys the
 * verified-token cache. See docs/benchmarks.md for the command.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CredentialExtractionBenchmark {
  private static final String TOKEN = keycloakSizedToken();
  private final List<String> authorization = List.of("Bearer " + TOKEN);
  private final CredentialExtractor extractor = new CredentialExtractor();

  @Benchmark
  public CredentialResult extractBearer() {
    return extractor.extract(authorization, List.of());
  }

  @Benchmark
  public boolean token68Check() {
    return CredentialExtractor.isToken68(TOKEN);
  }

  @Benchmark
  public String cacheKey() {
    return TokenDigest.sha256(TOKEN);
  }

  /** Three base64url segments of a typical Keycloak access token's sizes (header, claims, RS256 signature). */
  private static String keycloakSizedToken() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    StringBuilder token = new StringBuilder();
    int[] segments = {100, 700, 342};
    for (int s = 0; s < segments.length; s++) {
      if (s > 0) {
        token.append('.');
      }
      for (int i = 0; i < segments[s]; i++) {
        token.append(alphabet.charAt((i * 31 + s * 7) % alphabet.length()));
      }
    }
    return token.toString();
  }
}
