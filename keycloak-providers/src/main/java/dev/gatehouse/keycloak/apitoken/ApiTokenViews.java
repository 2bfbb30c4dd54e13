package dev.gatehouse.keycloak.apitoken;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** JSON bodies of the REST endpoints. Times are ISO-8601 instants; absent ones are {@code null}, never left out. */
final class ApiTokenViews {
  private ApiTokenViews() {}

  /** One token in a list: never the token or its hash. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Listed(String id, String name, String createdAt, String expiresAt, String lastUsedAt) {
    static Listed of(ApiTokenCredentialModel credential) {
      return new Listed(credential.getId(), credential.name(), iso(credential.createdAt()),
          iso(credential.expiresAt()), iso(credential.lastUsedAt()));
    }
  }

  /** The answer to a creation: the only time the token is shown. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Created(String id, String name, String token, String createdAt, String expiresAt) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Error(String error, String error_description) {}

  static String iso(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
