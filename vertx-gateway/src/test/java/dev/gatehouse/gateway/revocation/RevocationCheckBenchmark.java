package dev.gatehouse.gateway.revocation;

import dev.gatehouse.gateway.token.VerifiedToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The hot-path cost of live revocation: {@link RevocationGuard#unavailableReason()} plus
 * {@link RevocationGuard#check} for a token that is not revoked (the common case: every key looked up) and one that
 * is, with 0 and 10,000 revoked keys spread over all kinds. See docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RevocationCheckBenchmark {
  @Param({"0", "10000"})
  public int entries;

  private RevocationGuard guard;
  private VerifiedToken accepted;
  private VerifiedToken revoked;

  @Setup
  public void setUp() {
    long now = System.currentTimeMillis();
    RevocationKind[] kinds = RevocationKind.values();
    List<Revocation> rows = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      RevocationKind kind = kinds[i % kinds.length];
      rows.add(new Revocation(i + 1, kind, kind.column() + "-" + i, now, i % 2 == 0 ? "logout" : "permissions_changed",
          now + 3_600_000));
    }
    guard = new RevocationGuard(RevocationOptions.defaults(), java.time.Clock.systemUTC());
    guard.loaded(RevocationState.EMPTY.with(rows, now), now, true);
    long iat = now / 1000 - 10;
    Set<String> roles = Set.of("fellow", "talent-manager", "default-roles-gatehouse", "offline_access");
    Set<String> permissions = Set.of("view-users", "view-roles", "edit-feedback", "view-skills", "manage-own-tokens");
    accepted = new VerifiedToken("3f2a0c7e-user", "ada", "ada@example.test", permissions, roles, "web-app",
        iat + 300, null, "8c1d-session", iat);
    revoked = new VerifiedToken("3f2a0c7e-user", "ada", "ada@example.test", permissions,
        Set.of("fellow", "role-" + (entries > 2 ? 2 : 0)), "web-app", iat + 300, null, "8c1d-session", iat);
  }

  @Benchmark
  public Object notRevoked() {
    return guard.unavailableReason() == null ? guard.check(accepted) : null;
  }

  @Benchmark
  public Object revoked() {
    return guard.unavailableReason() == null ? guard.check(revoked) : null;
  }
}
