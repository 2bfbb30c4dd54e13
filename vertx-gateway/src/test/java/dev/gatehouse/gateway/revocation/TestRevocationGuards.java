package dev.gatehouse.gateway.revocation;

import java.time.Clock;
import java.util.List;

/** Revocation guards with a fixed list, for HTTP tests outside this package that need no database. */
public final class TestRevocationGuards {
  private TestRevocationGuards() {}

  /** A live, loaded guard that refuses tokens of {@code subject} issued up to {@code notBeforeSecond}. */
  public static RevocationGuard refusingSubject(String subject, String reason, long notBeforeSecond) {
    RevocationGuard guard = new RevocationGuard(RevocationOptions.defaults(), Clock.systemUTC());
    long now = System.currentTimeMillis();
    guard.loaded(RevocationState.EMPTY.with(List.of(new Revocation(1, RevocationKind.SUBJECT, subject,
        notBeforeSecond * 1000, reason, now + 3_600_000)), now), now, true);
    return guard;
  }

  /** A guard loaded a minute ago and not live since: too stale under the default {@code whenStale=refuse}. */
  public static RevocationGuard stale() {
    RevocationGuard guard = new RevocationGuard(RevocationOptions.defaults(), Clock.systemUTC());
    guard.loaded(RevocationState.EMPTY, System.currentTimeMillis() - 60_000, false);
    return guard;
  }
}
