package dev.gatehouse.it.apitoken;

import static dev.gatehouse.it.apitoken.ApiTokenClient.REALM;
import static dev.gatehouse.it.apitoken.ApiTokenClient.TEST_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.it.support.RevocationsTable;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every way an API token can be revoked reaches the gateways' revocations table as kind api_token, key = token id. */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
class ApiTokenRevocationIT {
  private static final Duration DELIVERY = Duration.ofSeconds(20);

  @Test
  void theOwnerRevokingATokenRevokesItAtTheGateways(KeycloakServer keycloak, PostgresServer gatewayDatabase) {
    RevocationsTable revocations = RevocationsTable.in(gatewayDatabase);
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String bearer = api.userAccessToken(REALM, TEST_CLIENT, api.createUser("it-rev-pat-owner", REALM));
    String tokenId = api.createToken(REALM, bearer, "owner-revokes").path("id").asText();

    api.revoke(REALM, bearer, tokenId).expect(204);

    revocations.await("api_token", tokenId, DELIVERY, r -> r.reason().equals("api_token_revoked"));
    assertThat(revocations.rows("api_token", tokenId)).as("one revocation, not one per event").hasSize(1);
  }

  @Test
  void anAdminRevokingATokenRevokesItAtTheGateways(KeycloakServer keycloak, PostgresServer gatewayDatabase) {
    RevocationsTable revocations = RevocationsTable.in(gatewayDatabase);
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String userId = api.createUser("it-rev-pat-admin", REALM);
    String tokenId = api.createToken(REALM, api.userAccessToken(REALM, TEST_CLIENT, userId), "admin-revokes")
        .path("id").asText();

    api.admin().delete(REALM + "/api-tokens/users/" + userId + "/" + tokenId).expect(204);

    revocations.await("api_token", tokenId, DELIVERY, r -> r.reason().equals("api_token_revoked"));
  }

  @Test
  void deletingTheCredentialInTheAdminConsoleRevokesTheToken(KeycloakServer keycloak, PostgresServer gatewayDatabase) {
    RevocationsTable revocations = RevocationsTable.in(gatewayDatabase);
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String userId = api.createUser("it-rev-pat-console", REALM);
    String tokenId = api.createToken(REALM, api.userAccessToken(REALM, TEST_CLIENT, userId), "console-deletes")
        .path("id").asText();

    // The admin console's "Delete" on the user's Credentials tab calls this stock endpoint.
    api.admin().delete(REALM + "/users/" + userId + "/credentials/" + tokenId).expect(204);

    revocations.await("api_token", tokenId, DELIVERY, r -> r.reason().equals("api_token_revoked"));
    assertThat(revocations.rows("subject", userId)).as("a removed API token is not a password reset").isEmpty();
  }
}
