package dev.gatehouse.keycloak.apitoken;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ApiTokenHasherTest {
  private final ApiTokenHasher hasher = new ApiTokenHasher(new SecureRandom());

  @Test
  void theRightPayloadMatchesAndAnyOtherDoesNot() {
    ApiTokenHasher.StoredHash stored = hasher.hash("payload-one");

    assertThat(hasher.matches("payload-one", stored)).isTrue();
    assertThat(hasher.matches("payload-onE", stored)).isFalse();
    assertThat(hasher.matches("", stored)).isFalse();
  }

  @Test
  void theStoredHashIsSaltedPbkdf2AndNeverThePayload() {
    ApiTokenHasher.StoredHash first = hasher.hash("same-payload");
    ApiTokenHasher.StoredHash second = hasher.hash("same-payload");

    assertThat(first.algorithm()).isEqualTo("pbkdf2-sha256");
    assertThat(first.iterations()).isEqualTo(ApiTokenHasher.ITERATIONS);
    assertThat(first.salt()).hasSize(16).isNotEqualTo(second.salt());
    assertThat(first.hash()).hasSize(32).isNotEqualTo(second.hash());
    assertThat(first.hashBase64() + first.saltBase64()).doesNotContain("same-payload");
  }

  @Test
  void anUnknownAlgorithmOrAnEmptyHashNeverMatches() {
    ApiTokenHasher.StoredHash stored = hasher.hash("p");

    assertThat(hasher.matches("p", new ApiTokenHasher.StoredHash("md5", stored.iterations(), stored.salt(), stored.hash())))
        .isFalse();
    assertThat(hasher.matches("p", new ApiTokenHasher.StoredHash(stored.algorithm(), 0, stored.salt(), stored.hash())))
        .isFalse();
    assertThat(hasher.matches("p", new ApiTokenHasher.StoredHash(stored.algorithm(), stored.iterations(), stored.salt(),
        new byte[0]))).isFalse();
  }

  @Test
  void theStoredIterationCountIsHonoured() {
    ApiTokenHasher.StoredHash stored = hasher.hash("p");
    ApiTokenHasher.StoredHash fewer = new ApiTokenHasher.StoredHash(stored.algorithm(), 1000, stored.salt(), stored.hash());

    assertThat(hasher.matches("p", fewer)).isFalse();
  }

  @Test
  void theDecoyNeverMatches() {
    assertThat(hasher.matchesNothing("anything")).isFalse();
    assertThat(Arrays.equals(hasher.hash("x").hash(), new byte[32])).isFalse();
  }
}
