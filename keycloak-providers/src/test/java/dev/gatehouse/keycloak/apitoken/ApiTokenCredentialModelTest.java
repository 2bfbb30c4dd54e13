package dev.gatehouse.keycloak.apitoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.keycloak.credential.CredentialModel;

class ApiTokenCredentialModelTest {
  private static final ApiTokenHasher HASHER = new ApiTokenHasher(new SecureRandom());
  private static final Instant CREATED = Instant.parse("2026-11-29T10:00:00Z");
  private static final Instant EXPIRES = Instant.parse("2027-01-31T00:00:00Z");

  @Test
  void whatAdminsCanSeeHoldsNoHashAndWhatIsStoredSurvivesARoundTrip() {
    ApiTokenHasher.StoredHash hash = HASHER.hash("the-payload");
    ApiTokenCredentialModel created = ApiTokenCredentialModel.create("cred-1", "ci", CREATED, EXPIRES, hash);

    assertThat(created.getType()).isEqualTo("gatehouse-api-token");
    assertThat(created.getCredentialData()).contains("pbkdf2-sha256").doesNotContain(hash.hashBase64())
        .doesNotContain(hash.saltBase64()).doesNotContain("the-payload");
    assertThat(created.getSecretData()).contains(hash.hashBase64()).doesNotContain("the-payload");

    ApiTokenCredentialModel read = ApiTokenCredentialModel.from(copyOf(created));
    assertThat(read.getId()).isEqualTo("cred-1");
    assertThat(read.name()).isEqualTo("ci");
    assertThat(read.createdAt()).isEqualTo(CREATED);
    assertThat(read.expiresAt()).isEqualTo(EXPIRES);
    assertThat(read.lastUsedAt()).isNull();
    assertThat(HASHER.matches("the-payload", read.storedHash())).isTrue();
  }

  @Test
  void recordingUseKeepsEverythingElse() {
    ApiTokenCredentialModel created = ApiTokenCredentialModel.create("cred-2", "n", CREATED, null, HASHER.hash("p"));
    Instant used = CREATED.plusSeconds(90);

    ApiTokenCredentialModel afterUse = ApiTokenCredentialModel.from(copyOf(created.usedAt(used)));

    assertThat(afterUse.lastUsedAt()).isEqualTo(used);
    assertThat(afterUse.expiresAt()).isNull();
    assertThat(afterUse.getSecretData()).isEqualTo(created.getSecretData());
    assertThat(HASHER.matches("p", afterUse.storedHash())).isTrue();
  }

  @Test
  void aPresentationCopyWithoutSecretDataMatchesNothing() {
    CredentialModel withoutSecret = copyOf(ApiTokenCredentialModel.create("c", "n", CREATED, null, HASHER.hash("p")));
    withoutSecret.setSecretData(null);

    assertThat(HASHER.matches("p", ApiTokenCredentialModel.from(withoutSecret).storedHash())).isFalse();
  }

  @Test
  void otherCredentialTypesAreNeverReadAsTokens() {
    CredentialModel password = new CredentialModel();
    password.setType("password");

    assertThatThrownBy(() -> ApiTokenCredentialModel.from(password)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an API token");
  }

  /** What the store hands back: a plain CredentialModel with the same fields. */
  private static CredentialModel copyOf(CredentialModel model) {
    CredentialModel copy = new CredentialModel();
    copy.setId(model.getId());
    copy.setType(model.getType());
    copy.setUserLabel(model.getUserLabel());
    copy.setCreatedDate(model.getCreatedDate());
    copy.setCredentialData(model.getCredentialData());
    copy.setSecretData(model.getSecretData());
    return copy;
  }
}
