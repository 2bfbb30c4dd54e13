package dev.gatehouse.keycloak.apitoken;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import org.keycloak.credential.CredentialModel;
import org.keycloak.util.JsonSerialization;

/**
 * An API token as Keycloak stores it: a credential of type {@value #TYPE}. The label is the token's name.
 * {@code credentialData} (shown to admins by the admin API) holds only times and the hash parameters;
 * {@code secretData} (never returned by Keycloak's APIs) holds the salt and the hash. The token itself is not stored.
 */
public final class ApiTokenCredentialModel extends CredentialModel {
  public static final String TYPE = "gatehouse-api-token";

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Data(@JsonProperty("expiresAt") Long expiresAt, @JsonProperty("lastUsedAt") Long lastUsedAt,
              @JsonProperty("algorithm") String algorithm, @JsonProperty("iterations") int iterations) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Secret(@JsonProperty("salt") String salt, @JsonProperty("hash") String hash) {}

  private final Data data;
  private final Secret secret;

  private ApiTokenCredentialModel(CredentialModel source, Data data, Secret secret) {
    this.data = data;
    this.secret = secret;
    setId(source.getId());
    setType(TYPE);
    setUserLabel(source.getUserLabel());
    setCreatedDate(source.getCreatedDate());
    setFederationLink(source.getFederationLink());
    setCredentialData(write(data));
    setSecretData(write(secret));
  }

  /** A new credential with a preset id, because the token (and so the hash) must name the id before it is stored. */
  static ApiTokenCredentialModel create(String id, String name, Instant createdAt, Instant expiresAt,
                                        ApiTokenHasher.StoredHash hash) {
    CredentialModel model = new CredentialModel();
    model.setId(id);
    model.setUserLabel(name);
    model.setCreatedDate(createdAt.toEpochMilli());
    return new ApiTokenCredentialModel(model,
        new Data(millis(expiresAt), null, hash.algorithm(), hash.iterations()),
        new Secret(hash.saltBase64(), hash.hashBase64()));
  }

  /** Reads a stored credential; fails for other types so that no other credential is ever checked as a token. */
  public static ApiTokenCredentialModel from(CredentialModel stored) {
    if (!TYPE.equals(stored.getType())) {
      throw new IllegalArgumentException("Credential " + stored.getId() + " is a " + stored.getType() + ", not an API token");
    }
    Data data = read(stored.getCredentialData(), Data.class);
    Secret secret = stored.getSecretData() == null ? new Secret("", "") : read(stored.getSecretData(), Secret.class);
    return new ApiTokenCredentialModel(stored, data, secret);
  }

  public String name() {
    return getUserLabel();
  }

  public Instant createdAt() {
    return instant(getCreatedDate());
  }

  public Instant expiresAt() {
    return instant(data.expiresAt());
  }

  public Instant lastUsedAt() {
    return instant(data.lastUsedAt());
  }

  ApiTokenHasher.StoredHash storedHash() {
    Base64.Decoder decoder = Base64.getDecoder();
    return new ApiTokenHasher.StoredHash(data.algorithm(), data.iterations(),
        decoder.decode(secret.salt()), decoder.decode(secret.hash()));
  }

  /** A copy with the last-used time set; persist it with {@code updateStoredCredential}. */
  ApiTokenCredentialModel usedAt(Instant now) {
    return new ApiTokenCredentialModel(this,
        new Data(data.expiresAt(), now.toEpochMilli(), data.algorithm(), data.iterations()), secret);
  }

  private static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  private static Instant instant(Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }

  private static String write(Object value) {
    try {
      return JsonSerialization.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return JsonSerialization.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException("Stored API token credential data is unreadable: " + e.getMessage(), e);
    }
  }
}
