package dev.gatehouse.it.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.it.support.Jwt;
import dev.gatehouse.stack.DevSecrets;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.util.Map;
import java.util.SortedSet;

/** Tokens of the dev realm's test subjects, straight from Keycloak's token endpoint. */
final class RealmTokens {
  static final String REALM = "gatehouse";
  static final String TEST_CLIENT = "gatehouse-test";
  static final String SERVICE_ACCOUNT = "reporting-service";

  private final KeycloakServer keycloak;

  RealmTokens(KeycloakServer keycloak) {
    this.keycloak = keycloak;
  }

  KeycloakAdminClient admin() {
    return keycloak.admin();
  }

  String issuer() {
    return keycloak.issuer(REALM);
  }

  /** Password grant with scope openid: access, ID and refresh token. */
  JsonNode passwordGrant(String clientId, String username) {
    return admin().token(REALM, Map.of("grant_type", "password", "client_id", clientId,
        "username", username, "password", username, "scope", "openid")).expect(200).json();
  }

  String accessToken(String username) {
    return passwordGrant(TEST_CLIENT, username).path("access_token").asText();
  }

  String serviceAccountToken() {
    return admin().token(REALM, Map.of("grant_type", "client_credentials", "client_id", SERVICE_ACCOUNT,
        "client_secret", DevSecrets.keycloakEnvironment().get(DevSecrets.REPORTING_SERVICE_SECRET)))
        .expect(200).json().path("access_token").asText();
  }

  /** carol, dave, erin or the service account's client id. */
  String tokenOf(String subject) {
    return subject.equals(SERVICE_ACCOUNT) ? serviceAccountToken() : accessToken(subject);
  }

  static SortedSet<String> permissions(String token) {
    return Jwt.stringSet(Jwt.payload(token), "permissions");
  }

  static String subject(String token) {
    return Jwt.payload(token).path("sub").asText();
  }
}
