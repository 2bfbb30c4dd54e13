package dev.gatehouse.it.apitoken;

import static dev.gatehouse.it.apitoken.ApiTokenClient.REALM;
import static dev.gatehouse.it.apitoken.ApiTokenClient.TEST_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.it.support.Jwt;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.stack.DevSecrets;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient.Response;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Per-user API tokens against a real Keycloak: the user and admin endpoints, the resolution grant, its refusals. */
@ExtendWith(RealKeycloak.class)
class ApiTokenKeycloakIT {

  @Test
  void aUserCreatesListsAndRevokesTokensWithTheirOwnAccessToken(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String bearer = api.userAccessToken(REALM, TEST_CLIENT, api.createUser("it-pat-owner", REALM));
    String expiry = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS).toString();

    JsonNode created = api.create(REALM, bearer, Map.of("name", "ci-script", "expiresAt", expiry)).expect(201).json();

    String token = created.path("token").asText();
    assertThat(token).matches(ApiTokenClient.TOKEN_SHAPE);
    assertThat(token.substring(token.length() - 8)).isEqualTo(crc32(token.substring(0, token.length() - 8)));
    assertThat(created.path("name").asText()).isEqualTo("ci-script");
    assertThat(Instant.parse(created.path("expiresAt").asText())).isEqualTo(Instant.parse(expiry));
    assertThat(created.path("createdAt").asText()).isNotEmpty();

    JsonNode listed = api.list(REALM, bearer).expect(200).json();
    assertThat(listed).hasSize(1);
    assertThat(fieldNames(listed.get(0))).containsExactlyInAnyOrder("id", "name", "createdAt", "expiresAt", "lastUsedAt");
    assertThat(listed.get(0).path("id").asText()).isEqualTo(created.path("id").asText());
    assertThat(listed.get(0).path("lastUsedAt").isNull()).isTrue();
    assertThat(listed.toString()).doesNotContain(token).doesNotContain(secretOf(token));

    api.revoke(REALM, bearer, created.path("id").asText()).expect(204);
    assertThat(api.list(REALM, bearer).expect(200).json()).isEmpty();
    assertThat(api.revoke(REALM, bearer, created.path("id").asText()).status()).isEqualTo(404);
  }

  @Test
  void aUserCannotSeeOrRevokeAnotherUsersToken(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String ownerBearer = api.userAccessToken(REALM, TEST_CLIENT, api.createUser("it-pat-a", REALM));
    String otherBearer = api.userAccessToken(REALM, TEST_CLIENT, api.createUser("it-pat-b", REALM));
    JsonNode created = api.createToken(REALM, ownerBearer, "mine");

    assertThat(api.list(REALM, otherBearer).expect(200).json()).isEmpty();
    Response foreign = api.revoke(REALM, otherBearer, created.path("id").asText());

    assertThat(foreign.status()).isEqualTo(404);
    assertThat(api.list(REALM, ownerBearer).expect(200).json()).hasSize(1);
    assertThat(api.resolveAsGateway(created.path("token").asText()).status()).isEqualTo(200);
  }

  @Test
  void badRequestsAreRefusedWithAReason(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String bearer = api.userAccessToken(REALM, TEST_CLIENT, api.createUser("it-pat-bad", REALM));

    assertRefused(api.create(REALM, bearer, Map.of()), 400, "\"name\" is required");
    assertRefused(api.create(REALM, bearer, Map.of("name", "x", "expiresAt", "2020-01-01T00:00:00Z")), 400, "not in the future");
    assertRefused(api.create(REALM, bearer, Map.of("name", "x", "expiresAt", "tomorrow")), 400, "ISO-8601");
    assertRefused(api.create(REALM, bearer, Map.of("name", "x", "owner", "dave")), 400, "Unknown field 'owner'");
    api.createToken(REALM, bearer, "twice");
    assertRefused(api.create(REALM, bearer, Map.of("name", "twice")), 400, "already have an API token named 'twice'");
    assertThat(api.list(REALM, "not-a-token").status()).isEqualTo(401);
    assertThat(api.list(REALM, bearer).expect(200).json()).hasSize(1);
  }

  @Test
  void theGrantIssuesAnAccessTokenForTheOwnerWithTheirPermissionsAndNoRefreshToken(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String carolId = userId(api, "carol");
    JsonNode created = api.createToken(REALM, api.userAccessToken(REALM, TEST_CLIENT, carolId), "grant-" + UUID.randomUUID());

    JsonNode response = api.resolveAsGateway(created.path("token").asText()).expect(200).json();

    assertThat(response.has("refresh_token")).isFalse();
    assertThat(response.has("id_token")).isFalse();
    assertThat(response.path("token_type").asText()).isEqualToIgnoringCase("Bearer");
    assertThat(response.path("expires_in").asLong()).isBetween(1L, 300L);
    JsonNode claims = Jwt.payload(response.path("access_token").asText());
    assertThat(claims.path("sub").asText()).isEqualTo(carolId);
    assertThat(claims.path("typ").asText()).isEqualTo("Bearer");
    assertThat(claims.path("azp").asText()).isEqualTo("gateway");
    assertThat(audience(claims)).contains("gateway");
    assertThat(claims.path("api_token_id").asText()).isEqualTo(created.path("id").asText());
    assertThat(Jwt.stringSet(claims, "permissions")).isNotEmpty().isEqualTo(effectivePermissions(api, carolId));
  }

  @Test
  void aRoleChangeShowsAtTheNextResolution(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String userId = api.createUser("it-pat-roles", REALM, "talent-manager");
    String token = api.createToken(REALM, api.userAccessToken(REALM, TEST_CLIENT, userId), "roles").path("token").asText();
    assertThat(permissionsAfterResolving(api, token)).contains("view-users").doesNotContain("manage-users");

    api.grantRealmRole(REALM, userId, "admin");
    assertThat(permissionsAfterResolving(api, token)).contains("view-users", "manage-users")
        .isEqualTo(effectivePermissions(api, userId));

    api.removeRealmRole(REALM, userId, "admin");
    api.removeRealmRole(REALM, userId, "talent-manager");
    assertThat(permissionsAfterResolving(api, token)).doesNotContain("view-users", "manage-users")
        .isEqualTo(effectivePermissions(api, userId));
  }

  @Test
  void resolutionRecordsTheLastUsedTime(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String bearer = api.userAccessToken(REALM, TEST_CLIENT, api.createUser("it-pat-used", REALM));
    String token = api.createToken(REALM, bearer, "used").path("token").asText();
    Instant before = Instant.now().minusSeconds(5);

    api.resolveAsGateway(token).expect(200);

    JsonNode listed = api.list(REALM, bearer).expect(200).json().get(0);
    assertThat(Instant.parse(listed.path("lastUsedAt").asText())).isAfter(before);
  }

  @Test
  void keycloakStoresNeitherTheTokenNorItsSecret(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String userId = api.createUser("it-pat-store", REALM);
    String token = api.createToken(REALM, api.userAccessToken(REALM, TEST_CLIENT, userId), "stored").path("token").asText();

    JsonNode credentials = api.admin().get(REALM + "/users/" + userId + "/credentials").expect(200).json();

    List<JsonNode> apiTokens = new ArrayList<>();
    credentials.forEach(credential -> {
      if (credential.path("type").asText().equals("gatehouse-api-token")) {
        apiTokens.add(credential);
      }
    });
    assertThat(apiTokens).hasSize(1);
    assertThat(apiTokens.get(0).path("userLabel").asText()).isEqualTo("stored");
    assertThat(apiTokens.get(0).path("credentialData").asText()).contains("pbkdf2-sha256").doesNotContain("hash");
    assertThat(credentials.toString()).doesNotContain(token).doesNotContain(secretOf(token))
        .doesNotContain(token.substring("gatehouse_pat_".length(), token.length() - 8));
  }

  @Test
  void anAdminListsAndRevokesAnyUsersTokens(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String userId = api.createUser("it-pat-admin", REALM);
    JsonNode created = api.createToken(REALM, api.userAccessToken(REALM, TEST_CLIENT, userId), "to-revoke");
    String adminPath = "api-tokens/users/" + userId + "/" + created.path("id").asText();

    JsonNode listed = api.admin().get(REALM + "/api-tokens/users/" + userId).expect(200).json();
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).path("name").asText()).isEqualTo("to-revoke");
    assertThat(listed.toString()).doesNotContain(created.path("token").asText());

    api.admin().delete(REALM + "/api-tokens/users/" + userId + "/" + created.path("id").asText()).expect(204);

    assertThat(api.admin().get(REALM + "/api-tokens/users/" + userId).expect(200).json()).isEmpty();
    assertThat(api.admin().delete(REALM + "/api-tokens/users/" + userId + "/" + created.path("id").asText()).status())
        .isEqualTo(404);
    assertOAuthError(api.resolveAsGateway(created.path("token").asText()), "invalid_grant", "API token revoked or unknown");
    ApiTokenClient.pollUntil(Duration.ofSeconds(10), "the admin event of the revocation", () -> api.admin()
        .get(REALM + "/admin-events?operationTypes=ACTION&max=500").expect(200).json().toString().contains(adminPath));
  }

  @Test
  void usersWithoutAdminRightsAreRefusedByTheAdminEndpoint(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String victimId = api.createUser("it-pat-victim", REALM);
    JsonNode created = api.createToken(REALM, api.userAccessToken(REALM, TEST_CLIENT, victimId), "victim");
    // dave holds the gatehouse realm role "admin" (permissions for services), not Keycloak's realm-management roles.
    String daveBearer = api.userAccessToken(REALM, TEST_CLIENT, userId(api, "dave"));

    Response list = api.getWithBearer(api.adminEndpoint(REALM) + "/users/" + victimId, daveBearer);

    assertThat(list.status()).isEqualTo(403);
    assertThat(list.body()).doesNotContain("victim");
    assertThat(api.resolveAsGateway(created.path("token").asText()).status()).isEqualTo(200);
  }

  @Test
  void theAdminEndpointFollowsKeycloaksUserPermissions(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String ownerId = api.createUser("it-pat-watched", REALM);
    JsonNode created = api.createToken(REALM, api.userAccessToken(REALM, TEST_CLIENT, ownerId), "watched");
    String viewerId = api.createUser("it-pat-viewer", REALM);
    api.grantClientRole(REALM, viewerId, "realm-management", "view-users");
    String viewer = api.userAccessToken(REALM, TEST_CLIENT, viewerId);
    String tokenUrl = api.adminEndpoint(REALM) + "/users/" + ownerId + "/" + created.path("id").asText();

    assertThat(api.getWithBearer(api.adminEndpoint(REALM) + "/users/" + ownerId, viewer).expect(200).json()).hasSize(1);
    assertThat(api.deleteWithBearer(tokenUrl, viewer).status()).as("view-users must not revoke").isEqualTo(403);
    assertThat(api.resolveAsGateway(created.path("token").asText()).status()).isEqualTo(200);

    api.grantClientRole(REALM, viewerId, "realm-management", "manage-users");
    String manager = api.userAccessToken(REALM, TEST_CLIENT, viewerId);
    assertThat(api.deleteWithBearer(tokenUrl, manager).status()).isEqualTo(204);
    assertThat(api.getWithBearer(api.adminEndpoint(REALM) + "/users/" + UUID.randomUUID(), manager).status())
        .isEqualTo(404);
  }

  @Test
  void anAccessTokenFromTheGrantCannotManageApiTokensOrTheAccount(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String bearer = api.userAccessToken(REALM, TEST_CLIENT, api.createUser("it-pat-mint", REALM));
    String token = api.createToken(REALM, bearer, "no-minting").path("token").asText();
    String resolved = api.resolveAsGateway(token).expect(200).json().path("access_token").asText();

    assertThat(api.create(REALM, resolved, Map.of("name", "minted")).status()).isEqualTo(401);
    assertThat(api.list(REALM, resolved).status()).isEqualTo(401);
    assertThat(api.getWithBearer(api.url("/realms/" + REALM + "/account/credentials"), resolved).status()).isEqualTo(401);
    assertThat(api.list(REALM, bearer).expect(200).json()).hasSize(1);
  }

  @Test
  void revokedExpiredMalformedAndForeignTokensAndDisabledOwnersAreRefused(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String userId = api.createUser("it-pat-refuse", REALM);
    String bearer = api.userAccessToken(REALM, TEST_CLIENT, userId);

    JsonNode revoked = api.createToken(REALM, bearer, "revoked");
    api.revoke(REALM, bearer, revoked.path("id").asText()).expect(204);
    assertOAuthError(api.resolveAsGateway(revoked.path("token").asText()), "invalid_grant", "API token revoked or unknown");

    String valid = api.createToken(REALM, bearer, "valid").path("token").asText();
    assertOAuthError(api.resolveAsGateway("gatehouse_pat_short"), "invalid_grant", "API token malformed");
    assertOAuthError(api.resolveAsGateway(valid.substring(0, valid.length() - 1) + flip(valid.charAt(valid.length() - 1))),
        "invalid_grant", "API token malformed");
    assertOAuthError(api.resolveAsGateway(withOtherSecret(valid)), "invalid_grant", "API token revoked or unknown");
    assertOAuthError(api.resolveAsGateway(null), "invalid_request", "api_token");

    String expiring = api.create(REALM, bearer, Map.of("name", "expiring",
        "expiresAt", Instant.now().plusSeconds(2).toString())).expect(201).json().path("token").asText();
    ApiTokenClient.pollUntil(Duration.ofSeconds(20), "the token to expire",
        () -> api.resolveAsGateway(expiring).body().contains("API token expired"));
    assertOAuthError(api.resolveAsGateway(expiring), "invalid_grant", "API token expired");

    api.setEnabled(REALM, userId, false);
    assertOAuthError(api.resolveAsGateway(valid), "invalid_grant", "user disabled");
    api.setEnabled(REALM, userId, true);
    assertThat(api.resolveAsGateway(valid).status()).isEqualTo(200);
  }

  @Test
  void aTokenOfAnotherRealmIsUnknownHere(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String otherRealm = "fake-google";
    String clientId = "it-pat-direct-" + UUID.randomUUID().toString().substring(0, 8);
    api.admin().post(otherRealm + "/clients", Map.of("clientId", clientId, "publicClient", true,
        "directAccessGrantsEnabled", true, "standardFlowEnabled", false)).expect(201);
    String foreignUser = api.createUser("it-pat-foreign", otherRealm);
    JsonNode foreign = api.createToken(otherRealm, api.userAccessToken(otherRealm, clientId, foreignUser), "foreign");
    assertThat(foreign.path("token").asText()).matches(ApiTokenClient.TOKEN_SHAPE);

    assertOAuthError(api.resolveAsGateway(foreign.path("token").asText()), "invalid_grant", "API token revoked or unknown");
  }

  @Test
  void onlyConfidentialClientsAllowedToResolveMayUseTheGrant(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String token = api.createToken(REALM, api.userAccessToken(REALM, TEST_CLIENT, api.createUser("it-pat-client", REALM)),
        "clients").path("token").asText();

    assertOAuthError(api.resolve(TEST_CLIENT, null, token), "unauthorized_client", "Public clients cannot resolve");
    assertOAuthError(api.resolve("reporting-service", DevSecrets.keycloakEnvironment().get(DevSecrets.REPORTING_SERVICE_SECRET),
        token), "unauthorized_client", "gatehouse.api-token.grant.enabled");
    assertThat(api.resolve("gateway", "wrong-secret", token).status()).isEqualTo(401);
    assertThat(api.resolveAsGateway(token).status()).isEqualTo(200);
  }

  @Test
  void everyResolutionAndEveryChangeIsRecordedAsAnEvent(KeycloakServer keycloak) {
    ApiTokenClient api = new ApiTokenClient(keycloak);
    String userId = api.createUser("it-pat-events", REALM);
    String bearer = api.userAccessToken(REALM, TEST_CLIENT, userId);
    JsonNode created = api.createToken(REALM, bearer, "audited");
    String tokenId = created.path("id").asText();
    api.resolveAsGateway(created.path("token").asText()).expect(200);
    api.revoke(REALM, bearer, tokenId).expect(204);
    api.resolveAsGateway(created.path("token").asText()).expect(400);

    ApiTokenClient.pollUntil(Duration.ofSeconds(10), "events of user " + userId, () -> eventTypes(api, userId)
        .containsAll(List.of("UPDATE_CREDENTIAL", "OAUTH2_EXTENSION_GRANT", "REMOVE_CREDENTIAL")));
    JsonNode success = events(api, userId, "OAUTH2_EXTENSION_GRANT").get(0);
    assertThat(success.path("clientId").asText()).isEqualTo("gateway");
    assertThat(success.path("details").path("api_token_id").asText()).isEqualTo(tokenId);
    assertThat(success.path("details").path("grant_type").asText()).isEqualTo(ApiTokenClient.GRANT_TYPE);
    JsonNode change = events(api, userId, "UPDATE_CREDENTIAL").get(0);
    assertThat(change.path("details").path("credential_type").asText()).isEqualTo("gatehouse-api-token");

    // A refused token names no user (its secret matched nothing), but the event keeps the credential id it claimed.
    ApiTokenClient.pollUntil(Duration.ofSeconds(10), "the refusal of the revoked token", () -> {
      for (JsonNode failure : api.admin().get(REALM + "/events?type=OAUTH2_EXTENSION_GRANT_ERROR&client=gateway&max=500")
          .expect(200).json()) {
        if (failure.path("details").path("api_token_id").asText().equals(tokenId)) {
          return failure.path("error").asText().equals("api_token_unknown");
        }
      }
      return false;
    });
  }

  private static SortedSet<String> permissionsAfterResolving(ApiTokenClient api, String token) {
    return Jwt.stringSet(Jwt.payload(api.resolveAsGateway(token).expect(200).json().path("access_token").asText()),
        "permissions");
  }

  private static SortedSet<String> effectivePermissions(ApiTokenClient api, String userId) {
    String clientUuid = api.admin().get(REALM + "/clients?clientId=gatehouse-permissions").expect(200).json()
        .get(0).path("id").asText();
    SortedSet<String> names = new TreeSet<>();
    api.admin().get(REALM + "/users/" + userId + "/role-mappings/clients/" + clientUuid + "/composite").expect(200)
        .json().forEach(role -> names.add(role.path("name").asText()));
    return names;
  }

  private static String userId(ApiTokenClient api, String username) {
    return api.admin().get(REALM + "/users?exact=true&username=" + username).expect(200).json().get(0).path("id").asText();
  }

  private static JsonNode events(ApiTokenClient api, String userId, String type) {
    return api.admin().get(REALM + "/events?user=" + userId + "&type=" + type).expect(200).json();
  }

  private static List<String> eventTypes(ApiTokenClient api, String userId) {
    List<String> types = new ArrayList<>();
    api.admin().get(REALM + "/events?user=" + userId).expect(200).json()
        .forEach(event -> types.add(event.path("type").asText()));
    return types;
  }

  private static void assertRefused(Response response, int status, String descriptionPart) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.json().path("error_description").asText()).contains(descriptionPart);
  }

  private static void assertOAuthError(Response response, String error, String descriptionPart) {
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    JsonNode body = response.json();
    assertThat(body.path("error").asText()).as(response.body()).isEqualTo(error);
    assertThat(body.path("error_description").asText()).as(response.body()).contains(descriptionPart);
  }

  private static List<String> audience(JsonNode claims) {
    JsonNode aud = claims.path("aud");
    List<String> values = new ArrayList<>();
    if (aud.isTextual()) {
      values.add(aud.asText());
    } else {
      aud.forEach(value -> values.add(value.asText()));
    }
    return values;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The random part of our payload (after the two 32-hex-char ids), which must never be stored or listed. */
  private static String secretOf(String token) {
    return token.substring("gatehouse_pat_".length() + 64, token.length() - 8);
  }

  /** The same ids with a different secret and a correct checksum: well formed, but not the token that was issued. */
  private static String withOtherSecret(String token) {
    String ids = token.substring(0, "gatehouse_pat_".length() + 64);
    String secret = secretOf(token);
    String body = ids + new StringBuilder(secret).reverse();
    if (body.equals(token.substring(0, token.length() - 8))) {
      body = ids + "A".repeat(secret.length());
    }
    return body + crc32(body);
  }

  private static char flip(char hex) {
    return hex == '0' ? '1' : '0';
  }

  private static String crc32(String text) {
    CRC32 crc = new CRC32();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    return String.format("%08x", crc.getValue());
  }
}
