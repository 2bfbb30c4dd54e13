package dev.gatehouse.gateway.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.token.VerifiedToken;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RevocationStateTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final long HOUR = 3_600_000L;

  /** A token issued at {@code iat} (seconds) for sub-1, session s-1, role fellow, permission view-users, client web. */
  static VerifiedToken token(long iat) {
    return new VerifiedToken("sub-1", "ada", "ada@example.test", Set.of("view-users"), Set.of("fellow"), "web",
        iat + 300, null, "s-1", iat);
  }

  static Revocation row(long id, RevocationKind kind, String key, long notBeforeMillis, String reason) {
    return new Revocation(id, kind, key, notBeforeMillis, reason, notBeforeMillis + HOUR);
  }

  @Test
  void emptyStateRevokesNothing() {
    assertThat(RevocationState.EMPTY.check(token(NOW / 1000))).isNull();
  }

  @Test
  void eachKindMatchesItsClaim() {
    long change = NOW + 500;
    long iat = NOW / 1000;
    for (var c : List.of(
        row(1, RevocationKind.SESSION, "s-1", change, "logout"),
        row(1, RevocationKind.SUBJECT, "sub-1", change, "user_disabled"),
        row(1, RevocationKind.SUBJECT, "*", change, "session_ended"),
        row(1, RevocationKind.ROLE, "fellow", change, "permissions_changed"),
        row(1, RevocationKind.PERMISSION, "view-users", change, "role_deleted"),
        row(1, RevocationKind.CLIENT, "web", change, "client_disabled"))) {
      RevocationState state = RevocationState.EMPTY.with(List.of(c), NOW);
      assertThat(state.check(token(iat))).as(c.toString()).isNotNull()
          .extracting(Revoked::reason).isEqualTo(c.reason());
      // Another key of the same kind leaves the token alone.
      RevocationState other = RevocationState.EMPTY.with(List.of(new Revocation(1, c.kind(), "other", change,
          c.reason(), change + HOUR)), NOW);
      assertThat(other.check(token(iat))).as("other " + c).isNull();
    }
  }

  @Test
  void apiTokenIdMatchesOnlyApiTokens() {
    RevocationState state = RevocationState.EMPTY.with(
        List.of(row(1, RevocationKind.API_TOKEN, "pat-7", NOW, "api_token_revoked")), NOW);
    VerifiedToken viaPat = new VerifiedToken("sub-1", "ada", "e", Set.of(), Set.of(), "gateway", NOW / 1000 + 60,
        "pat-7", null, NOW / 1000);
    assertThat(state.check(viaPat).description()).isEqualTo("API token revoked");
    assertThat(state.check(token(NOW / 1000))).isNull();
  }

  @Test
  void equalSecondIsRefusedAndTheNextSecondIsAccepted() {
    long change = 1_800_000_000_999L;
    RevocationState state = RevocationState.EMPTY.with(
        List.of(row(1, RevocationKind.SUBJECT, "sub-1", change, "permissions_changed")), NOW);
    assertThat(state.check(token(1_799_999_999L))).isNotNull();
    assertThat(state.check(token(1_800_000_000L))).as("same second as the change").isNotNull();
    assertThat(state.check(token(1_800_000_001L))).as("issued after").isNull();
  }

  @Test
  void latestChangePerKeyWinsAndRowsAreIdempotent() {
    Revocation early = row(1, RevocationKind.SESSION, "s-1", NOW, "logout");
    Revocation late = row(2, RevocationKind.SESSION, "s-1", NOW + 10_000, "logout");
    RevocationState state = RevocationState.EMPTY.with(List.of(late, early, late), NOW);
    assertThat(state.size()).isEqualTo(1);
    assertThat(state.lastId()).isEqualTo(2);
    assertThat(state.check(token(NOW / 1000 + 5))).isNotNull();
    assertThat(state.check(token(NOW / 1000 + 11))).isNull();
  }

  @Test
  void hardReasonBeatsRefreshableOneForOldTokens() {
    RevocationState state = RevocationState.EMPTY.with(List.of(
        row(1, RevocationKind.SUBJECT, "sub-1", NOW, "user_disabled"),
        row(2, RevocationKind.ROLE, "fellow", NOW + 20_000, "permissions_changed")), NOW);
    Revoked old = state.check(token(NOW / 1000 - 1));
    assertThat(old.reason()).isEqualTo("user_disabled");
    assertThat(old.refreshable()).isFalse();
    Revoked between = state.check(token(NOW / 1000 + 5));
    assertThat(between.reason()).isEqualTo("permissions_changed");
    assertThat(between.refreshable()).isTrue();
    assertThat(between.description()).isEqualTo("permissions changed, get a new token");
  }

  @Test
  void sameKeyKeepsHardAndSoftChangesApart() {
    RevocationState state = RevocationState.EMPTY.with(List.of(
        row(1, RevocationKind.SUBJECT, "sub-1", NOW, "logout"),
        row(2, RevocationKind.SUBJECT, "sub-1", NOW + 20_000, "permissions_changed")), NOW);
    assertThat(state.check(token(NOW / 1000 - 1)).reason()).isEqualTo("logout");
    assertThat(state.check(token(NOW / 1000 + 5)).reason()).isEqualTo("permissions_changed");
  }

  @Test
  void expiredRowsAreSkippedAndDropped() {
    Revocation expired = new Revocation(1, RevocationKind.SUBJECT, "sub-1", NOW - HOUR, "logout", NOW - 1);
    assertThat(RevocationState.EMPTY.with(List.of(expired), NOW).size()).isZero();
    RevocationState state = RevocationState.EMPTY.with(
        List.of(new Revocation(2, RevocationKind.SUBJECT, "sub-1", NOW, "logout", NOW + 1_000)), NOW);
    assertThat(state.withoutExpired(NOW + 500)).isSameAs(state);
    RevocationState pruned = state.withoutExpired(NOW + 1_000);
    assertThat(pruned.size()).isZero();
    assertThat(pruned.lastId()).as("the position in the table is kept").isEqualTo(2);
  }

  @Test
  void tokenWithoutIatIsRefusedByAnyMatchingRow() {
    VerifiedToken noIat = new VerifiedToken("sub-1", "u", "e", Set.of(), Set.of(), "web", NOW / 1000 + 60);
    RevocationState state = RevocationState.EMPTY.with(
        List.of(row(1, RevocationKind.SUBJECT, "sub-1", NOW, "logout")), NOW);
    assertThat(state.check(noIat)).isNotNull();
  }

  @Test
  void unknownReasonFailsClosedAndIsNotRefreshable() {
    Revoked revoked = new Revoked(RevocationKind.SUBJECT, "x", "something_new", 0);
    assertThat(revoked.refreshable()).isFalse();
    assertThat(revoked.description()).isEqualTo("token revoked, sign in again");
  }
}
