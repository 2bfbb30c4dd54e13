package dev.gatehouse.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SessionCookiesTest {

  private final SessionCookies secure = new SessionCookies("gatehouse.test", true, "Strict");
  private final SessionCookies local = new SessionCookies("gatehouse.test", false, "Lax");

  @Test
  void accessTokenCookieIsSharedWithTheParentDomainButHiddenFromScripts() {
    assertThat(secure.accessToken("a.b.c", 300))
        .isEqualTo("jwt-token=a.b.c; Max-Age=300; Domain=gatehouse.test; Path=/; Secure; HttpOnly; SameSite=Lax");
    assertThat(secure.clearAccessToken())
        .isEqualTo("jwt-token=; Max-Age=0; Domain=gatehouse.test; Path=/; Secure; HttpOnly; SameSite=Lax");
  }

  @Test
  void refreshAndIdTokensStayOnTheGatewaysAuthPath() {
    assertThat(secure.refreshToken("r.r.r", 1800))
        .isEqualTo("gatehouse-refresh=r.r.r; Max-Age=1800; Path=/auth/; Secure; HttpOnly; SameSite=Strict");
    assertThat(secure.clearRefreshToken())
        .isEqualTo("gatehouse-refresh=; Max-Age=0; Path=/auth/; Secure; HttpOnly; SameSite=Strict");
    assertThat(secure.idToken("i.i.i", 1800))
        .isEqualTo("gatehouse-id=i.i.i; Max-Age=1800; Path=/auth/; Secure; HttpOnly; SameSite=Lax");
    assertThat(secure.clearIdToken())
        .isEqualTo("gatehouse-id=; Max-Age=0; Path=/auth/; Secure; HttpOnly; SameSite=Lax");
  }

  @Test
  void aZeroLifetimeMeansASessionCookie() {
    assertThat(secure.refreshToken("r", 0))
        .isEqualTo("gatehouse-refresh=r; Path=/auth/; Secure; HttpOnly; SameSite=Strict");
  }

  @Test
  void loginStateIsHostPrefixedWhenSecure() {
    assertThat(secure.loginState("v1.x", 600))
        .isEqualTo("__Host-gatehouse-login=v1.x; Max-Age=600; Path=/; Secure; HttpOnly; SameSite=Lax");
    assertThat(secure.clearLoginState())
        .isEqualTo("__Host-gatehouse-login=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax");
  }

  @Test
  void plainHttpLocalRunsDropSecureAndThePrefix() {
    assertThat(local.accessToken("t", 60))
        .isEqualTo("jwt-token=t; Max-Age=60; Domain=gatehouse.test; Path=/; HttpOnly; SameSite=Lax");
    assertThat(local.loginState("v1.x", 600)).isEqualTo("gatehouse-login=v1.x; Max-Age=600; Path=/; HttpOnly; SameSite=Lax");
    assertThat(local.refreshToken("r", 60)).isEqualTo("gatehouse-refresh=r; Max-Age=60; Path=/auth/; HttpOnly; SameSite=Lax");
  }

  @Test
  void clearingRemovesAllThreeSessionCookies() {
    assertThat(secure.clearSession())
        .containsExactly(secure.clearAccessToken(), secure.clearRefreshToken(), secure.clearIdToken());
  }

  @Test
  void aTokenTooLargeForACookieIsAnErrorNotASilentDrop() {
    int overhead = secure.accessToken("x", 300).length() - 1;
    String largestThatFits = "x".repeat(SessionCookies.MAX_SET_COOKIE_BYTES - overhead);
    assertThat(secure.accessToken(largestThatFits, 300)).hasSize(SessionCookies.MAX_SET_COOKIE_BYTES);

    assertThatThrownBy(() -> secure.accessToken(largestThatFits + "x", 300))
        .isInstanceOf(CookieTooLargeException.class)
        .hasMessageContaining("jwt-token")
        .hasMessageContaining("reduce the permissions");
  }

  @Test
  void valuesThatCouldInjectAttributesAreRefused() {
    assertThatThrownBy(() -> secure.accessToken("a; Domain=evil.com", 60)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> secure.accessToken("a\r\nSet-Cookie: x=1", 60)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> secure.accessToken("", 60)).isInstanceOf(IllegalArgumentException.class);
  }
}
