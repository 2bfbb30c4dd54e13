package dev.gatehouse.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.gateway.token.VerifiedToken;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentityHeaderCacheTest {
  private final IdentityHeaders identity = new IdentityHeaders("X-Auth-", 600);
  private final IdentityHeaderCache cache = new IdentityHeaderCache(identity);

  private static VerifiedToken token(String subject, Set<String> permissions) {
    return new VerifiedToken(subject, subject + "-name", subject + "@example.com", permissions, Set.of("fellow"),
        "web-app", 4_000_000_000L);
  }

  @Test
  void givesWhatIdentityHeadersBuildsInTheSameOrder() {
    VerifiedToken token = token("sub-1", Set.of("b-perm", "a-perm"));
    assertThat(cache.forToken(token)).containsExactlyEntriesOf(identity.forToken(token));
    assertThat(cache.forToken(token)).containsExactlyEntriesOf(identity.forToken(token));
  }

  @Test
  void manyTokensSharingSlotsEachGetTheirOwnHeaders() {
    for (int i = 0; i < 2_000; i++) {
      VerifiedToken token = token("sub-" + i, Set.of("perm-" + i));
      assertThat(cache.forToken(token)).containsEntry("X-Auth-Subject", "sub-" + i)
          .containsEntry("X-Auth-Permissions", "perm-" + i);
    }
  }

  @Test
  void anIdentityOverTheBoundIsRefusedEveryTime() {
    Set<String> many = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      many.add("permission-number-" + i);
    }
    VerifiedToken huge = token("sub-huge", many);
    assertThatThrownBy(() -> cache.forToken(huge)).isInstanceOf(IdentityTooLargeException.class);
    assertThatThrownBy(() -> cache.forToken(huge)).isInstanceOf(IdentityTooLargeException.class);
  }
}
