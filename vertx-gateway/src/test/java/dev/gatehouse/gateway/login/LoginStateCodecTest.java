package dev.gatehouse.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.login.LoginStateCodec.Reason;
import dev.gatehouse.gateway.login.LoginStateCodec.Rejected;
import dev.gatehouse.gateway.login.LoginStateCodec.Valid;
import dev.gatehouse.gateway.login.RedirectTargets.Delivery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoginStateCodecTest {

  private static final String OLD_SECRET = "old-secret-old-secret-old-secret-0123456789";
  private static final String NEW_SECRET = "new-secret-new-secret-new-secret-0123456789";
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final LoginState state = LoginState.start(
      new RedirectTargets.Allowed("https://app.gatehouse.test/x", "https://app.gatehouse.test", Delivery.COOKIE),
      NOW, Duration.ofMinutes(10));

  @Test
  void roundTripsEveryField() {
    LoginStateCodec codec = new LoginStateCodec(List.of(NEW_SECRET), clock);

    assertThat(codec.open(codec.seal(state))).isEqualTo(new Valid(state));
  }

  @Test
  void startMakesFreshUnguessableValues() {
    LoginState other = LoginState.start(new RedirectTargets.Allowed("https://a.gatehouse.test/", "https://a.gatehouse.test",
        Delivery.FRAGMENT), NOW, Duration.ofMinutes(10));

    assertThat(other.state()).isNotEqualTo(state.state()).hasSize(43);
    assertThat(other.nonce()).isNotEqualTo(state.nonce()).isNotEqualTo(other.state());
    assertThat(other.codeVerifier()).matches("[A-Za-z0-9_-]{43}");
    assertThat(other.expiresAtEpochSecond()).isEqualTo(NOW.plusSeconds(600).getEpochSecond());
  }

  @Test
  void sealedValueHidesTheVerifierAndTarget() {
    String sealed = new LoginStateCodec(List.of(NEW_SECRET), clock).seal(state);

    assertThat(sealed).startsWith("v1.").doesNotContain(state.codeVerifier()).doesNotContain("gatehouse");
    assertThat(sealed).matches("v1\\.[A-Za-z0-9_-]+");
  }

  @Test
  void anyTamperedByteIsRejected() {
    LoginStateCodec codec = new LoginStateCodec(List.of(NEW_SECRET), clock);
    byte[] raw = Base64.getUrlDecoder().decode(codec.seal(state).substring(3));
    for (int i = 0; i < raw.length; i++) {
      byte[] tampered = raw.clone();
      tampered[i] ^= 0x01;
      String value = "v1." + Base64.getUrlEncoder().withoutPadding().encodeToString(tampered);
      assertThat(codec.open(value)).as("byte %d flipped", i).isEqualTo(new Rejected(Reason.NOT_AUTHENTIC));
    }
  }

  @Test
  void expiresAtTheEndOfItsLifetime() {
    String sealed = new LoginStateCodec(List.of(NEW_SECRET), clock).seal(state);

    LoginStateCodec justBefore = new LoginStateCodec(List.of(NEW_SECRET), Clock.offset(clock, Duration.ofSeconds(599)));
    LoginStateCodec atExpiry = new LoginStateCodec(List.of(NEW_SECRET), Clock.offset(clock, Duration.ofMinutes(10)));

    assertThat(justBefore.open(sealed)).isInstanceOf(Valid.class);
    assertThat(atExpiry.open(sealed)).isEqualTo(new Rejected(Reason.EXPIRED));
  }

  @Test
  void aCookieSealedWithAnotherKeyIsNotAuthentic() {
    String sealed = new LoginStateCodec(List.of(OLD_SECRET), clock).seal(state);

    assertThat(new LoginStateCodec(List.of(NEW_SECRET), clock).open(sealed)).isEqualTo(new Rejected(Reason.NOT_AUTHENTIC));
  }

  @Test
  void rotationOpensWithEveryKeyAndSealsWithTheFirst() {
    String sealedBeforeRotation = new LoginStateCodec(List.of(OLD_SECRET), clock).seal(state);
    LoginStateCodec rotating = new LoginStateCodec(List.of(NEW_SECRET, OLD_SECRET), clock);

    assertThat(rotating.open(sealedBeforeRotation)).isEqualTo(new Valid(state));
    String sealedDuringRotation = rotating.seal(state);
    assertThat(new LoginStateCodec(List.of(NEW_SECRET), clock).open(sealedDuringRotation)).isEqualTo(new Valid(state));
    assertThat(new LoginStateCodec(List.of(OLD_SECRET), clock).open(sealedDuringRotation))
        .isEqualTo(new Rejected(Reason.NOT_AUTHENTIC));
  }

  @Test
  void garbageIsMalformedAndAbsenceIsMissing() {
    LoginStateCodec codec = new LoginStateCodec(List.of(NEW_SECRET), clock);

    assertThat(codec.open(null)).isEqualTo(new Rejected(Reason.MISSING));
    assertThat(codec.open("")).isEqualTo(new Rejected(Reason.MISSING));
    assertThat(codec.open("v2.AAAA")).isEqualTo(new Rejected(Reason.MALFORMED));
    assertThat(codec.open("v1.***")).isEqualTo(new Rejected(Reason.MALFORMED));
    assertThat(codec.open("v1.AAAA")).isEqualTo(new Rejected(Reason.MALFORMED));
    assertThat(codec.open("v1." + "A".repeat(5000))).isEqualTo(new Rejected(Reason.MALFORMED));
  }

  @Test
  void pkceChallengeFollowsRfc7636AppendixB() {
    LoginState rfc = new LoginState("s", "n", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "https://a.gatehouse.test/",
        Delivery.COOKIE, 0);

    assertThat(rfc.codeChallenge()).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  }

  @Test
  void stateAndNonceComparisonsAreExact() {
    assertThat(state.stateMatches(state.state())).isTrue();
    assertThat(state.stateMatches(state.state() + "x")).isFalse();
    assertThat(state.stateMatches(null)).isFalse();
    assertThat(state.nonceMatches(state.nonce())).isTrue();
    assertThat(state.nonceMatches(state.state())).isFalse();
  }
}
