package dev.gatehouse.it.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.it.support.Jwt;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.it.support.RealPostgres;
import dev.gatehouse.stack.DevSecrets;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import dev.gatehouse.stack.keycloak.TokenExchangePermissions;
import dev.gatehouse.stack.postgres.PostgresServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Mobile apps exchange a Google token (here: one of {@code fake-google}, the local stand-in) for a Gatehouse token at
 * the {@code gatehouse} realm, then call the gateway with it as {@code Authorization: Bearer}. Two ways:
 * <ul>
 *   <li>legacy token exchange v1: the public {@code mobile} client sends the Google <em>access</em> token; Keycloak
 *       checks it at the provider's userinfo endpoint and creates the user on first use;</li>
 *   <li>JWT Authorization Grant (RFC 7523): the confidential {@code mobile-backend} client sends the Google
 *       <em>ID</em> token; Keycloak checks its signature, audience, age and {@code jti}, and accepts only users who are
 *       already linked to that Google account.</li>
 * </ul>
 * Every refusal is checked for a clear OAuth error and for having created nothing.
 */
@ExtendWith({RealKeycloak.class, RealPostgres.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MobileTokenExchangeIT {
  private static final String REALM = "gatehouse";
  private static final String GOOGLE = "fake-google";
  /** fake-google's public password-grant client: plays the mobile app's Google client. */
  private static final String GOOGLE_APP_CLIENT = "gatehouse-mobile";
  private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  private static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
  /** Allowed for the default role (fellow: view-skills) and refused without view-users, per activities.json. */
  private static final String ALLOWED_PATH = "/api/v1/skills";
  private static final String FORBIDDEN_PATH = "/api/v1/users";

  private KeycloakServer keycloak;
  private KeycloakAdminClient admin;
  private GatewayUnderTest gw;

  @BeforeAll
  void start(KeycloakServer keycloak, PostgresServer postgres) {
    this.keycloak = keycloak;
    this.admin = keycloak.admin();
    gw = GatewayUnderTest.start(keycloak.issuer(REALM), postgres);
  }

  @AfterAll
  void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  // ---- legacy token exchange v1 (public client, Google access token) -------------------------------------------

  @Test
  void legacyExchangeCreatesTheUserOnFirstUseAndTheGatewayAcceptsTheToken() {
    String googleUser = createGoogleUser("it-mobile-v1");
    JsonNode google = googleTokens(googleUser);
    assertThat(userIds(googleUser)).as("not a Gatehouse user before the exchange").isEmpty();

    JsonNode exchanged = exchangeV1(google.path("access_token").asText()).expect(200).json();

    String accessToken = exchanged.path("access_token").asText();
    JsonNode claims = Jwt.payload(accessToken);
    List<String> created = userIds(googleUser);
    assertThat(created).as("created on first use").hasSize(1);
    assertThat(claims.path("sub").asText()).isEqualTo(created.get(0));
    assertThat(claims.path("azp").asText()).isEqualTo("mobile");
    assertThat(RealmTokens.permissions(accessToken)).as("default role fellow").contains("view-skills")
        .doesNotContain("view-users");
    assertThat(linkedProviders(created.get(0))).containsExactly(GOOGLE);
    assertThat(exchanged.path("refresh_token").asText()).as("v1 issues a refresh token").isNotEmpty();
    assertGatewayAllowsOnlyWhatThePermissionsAllow(accessToken);

    String again = exchangeV1(googleTokens(googleUser).path("access_token").asText()).expect(200).json()
        .path("access_token").asText();
    assertThat(RealmTokens.subject(again)).as("a second exchange reuses the linked user").isEqualTo(created.get(0));
    assertThat(userIds(googleUser)).hasSize(1);
  }

  @Test
  void legacyExchangeRefusesForgedAccessTokensAndCreatesNothing() {
    String googleUser = createGoogleUser("it-mobile-forged");
    String real = googleTokens(googleUser).path("access_token").asText();
    Census before = census();

    for (String forged : List.of("made-up-token", tamperSignature(real), resignWithForeignKey(real))) {
      KeycloakAdminClient.Response response = exchangeV1(forged);

      assertOAuthError(response, "invalid_token");
    }

    assertThat(userIds(googleUser)).as("the forged tokens named this user").isEmpty();
    assertThat(census()).isEqualTo(before);
  }

  @Test
  void legacyExchangeRefusesAnExpiredAccessTokenAndCreatesNothing() {
    String googleUser = createGoogleUser("it-mobile-expired-v1");
    String expired = expiredGoogleTokens(googleUser).path("access_token").asText();
    Census before = census();

    assertOAuthError(exchangeV1(expired), "invalid_token");

    assertThat(userIds(googleUser)).isEmpty();
    assertThat(census()).isEqualTo(before);
  }

  @Test
  void legacyExchangeDoesNotTakeOverAnExistingUnlinkedAccountWithTheSameEmail() {
    String googleUser = createGoogleUser("it-mobile-takeover");
    String localId = admin.post(REALM + "/users", Map.of("username", "local-" + googleUser, "enabled", true,
        "email", googleUser + "@gatehouse.test", "emailVerified", true, "firstName", "It", "lastName", "Local"))
        .createdId();
    Census before = census();

    KeycloakAdminClient.Response response = exchangeV1(googleTokens(googleUser).path("access_token").asText());

    // Unlike the browser's first login (which links by verified email), v1 refuses: link through the browser once.
    assertOAuthError(response, "invalid_token");
    assertThat(response.json().path("error_description").asText()).contains("User already exists");
    assertThat(linkedProviders(localId)).isEmpty();
    assertThat(census()).isEqualTo(before);
  }

  @Test
  void legacyExchangeIsRefusedForAClientWithoutTheTokenExchangePermission() {
    String googleUser = createGoogleUser("it-mobile-not-allowed");
    String accessToken = googleTokens(googleUser).path("access_token").asText();
    Census before = census();

    KeycloakAdminClient.Response response = admin.token(REALM, Map.of("grant_type", TOKEN_EXCHANGE,
        "client_id", RealmTokens.TEST_CLIENT, "subject_token", accessToken, "subject_issuer", GOOGLE,
        "subject_token_type", ACCESS_TOKEN_TYPE));

    assertThat(response.status()).as(response.body()).isIn(400, 403);
    assertThat(response.json().path("error").asText()).isNotEmpty();
    assertThat(userIds(googleUser)).isEmpty();
    assertThat(census()).isEqualTo(before);
  }

  @Test
  void grantingThePermissionAgainChangesNothing() {
    assertThat(TokenExchangePermissions.allowDevelopmentMobileClient(admin)).as("already applied at start").isFalse();
    String rm = clientUuid("realm-management");
    JsonNode policies = admin.get(REALM + "/clients/" + rm + "/authz/resource-server/policy?max=1000").expect(200)
        .json();
    assertThat(policies.findValuesAsText("name"))
        .filteredOn(name -> name.equals(TokenExchangePermissions.policyName("mobile"))).hasSize(1);
  }

  @Test
  void theOperatorScriptGrantsTheSamePermissionToAnotherClientWithoutTakingItFromMobile() throws Exception {
    assumeTrue(onPath("curl") && onPath("jq"), "deploy/keycloak/allow-token-exchange.sh needs curl and jq");
    String appClient = "it-mobile-app-" + UUID.randomUUID().toString().substring(0, 8);
    admin.post(REALM + "/clients", Map.of("clientId", appClient, "publicClient", true, "standardFlowEnabled", false,
        "directAccessGrantsEnabled", false)).expect(201);
    String googleUser = createGoogleUser("it-mobile-script");
    assertThat(exchangeV1As(appClient, googleTokens(googleUser).path("access_token").asText()).status())
        .as("not allowed before the script ran").isIn(400, 403);

    ScriptRun first = runAllowScript(appClient);
    ScriptRun second = runAllowScript(appClient);

    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.output()).contains("may now exchange");
    assertThat(second.exitCode()).as(second.output()).isZero();
    assertThat(second.output()).contains("nothing changed");
    String token = exchangeV1As(appClient, googleTokens(googleUser).path("access_token").asText()).expect(200)
        .json().path("access_token").asText();
    assertThat(Jwt.payload(token).path("azp").asText()).isEqualTo(appClient);
    assertThat(exchangeV1(googleTokens(googleUser).path("access_token").asText()).status())
        .as("the mobile client keeps its permission (the decision is affirmative)").isEqualTo(200);
    assertThat(TokenExchangePermissions.allowDevelopmentMobileClient(admin)).isFalse();
  }

  // ---- JWT Authorization Grant, RFC 7523 (confidential client, Google ID token) ---------------------------------

  @Test
  void jwtGrantGivesALinkedUserATokenTheGatewayAccepts() {
    String googleUser = createGoogleUser("it-mobile-jwt");
    String userId = createLinkedGatehouseUser(googleUser);
    JsonNode google = googleTokens(googleUser);

    JsonNode granted = jwtGrant(google.path("id_token").asText()).expect(200).json();

    String accessToken = granted.path("access_token").asText();
    assertThat(RealmTokens.subject(accessToken)).isEqualTo(userId);
    assertThat(Jwt.payload(accessToken).path("azp").asText()).isEqualTo("mobile-backend");
    assertThat(RealmTokens.permissions(accessToken)).contains("view-skills").doesNotContain("view-users");
    assertThat(granted.has("refresh_token")).as("RFC 7523 in Keycloak never issues a refresh token").isFalse();
    assertGatewayAllowsOnlyWhatThePermissionsAllow(accessToken);
  }

  @Test
  void jwtGrantRefusesAGoogleUserWhoWasNeverLinkedAndCreatesNothing() {
    String googleUser = createGoogleUser("it-mobile-unlinked");
    String idToken = googleTokens(googleUser).path("id_token").asText();
    Census before = census();

    KeycloakAdminClient.Response response = jwtGrant(idToken);

    assertOAuthError(response, "invalid_grant");
    assertThat(response.json().path("error_description").asText()).contains("User not found");
    assertThat(userIds(googleUser)).as("no auto-creation").isEmpty();
    assertThat(census()).isEqualTo(before);
  }

  @Test
  void jwtGrantRefusesAReplayedAssertion() {
    String googleUser = createGoogleUser("it-mobile-replay");
    createLinkedGatehouseUser(googleUser);
    String idToken = googleTokens(googleUser).path("id_token").asText();
    jwtGrant(idToken).expect(200);

    KeycloakAdminClient.Response replay = jwtGrant(idToken);

    assertOAuthError(replay, "invalid_grant");
    assertThat(replay.json().path("error_description").asText()).containsIgnoringCase("reuse");
  }

  @Test
  void jwtGrantRefusesAPublicClient() {
    String googleUser = createGoogleUser("it-mobile-public");
    createLinkedGatehouseUser(googleUser);
    String idToken = googleTokens(googleUser).path("id_token").asText();

    KeycloakAdminClient.Response response = admin.token(REALM, Map.of("grant_type", JWT_BEARER,
        "client_id", "mobile", "assertion", idToken));

    assertOAuthError(response, "invalid_grant");
    assertThat(response.json().path("error_description").asText()).containsIgnoringCase("public client");
    assertThat(jwtGrant(idToken).status()).as("the same assertion was not consumed by the refused call")
        .isEqualTo(200);
  }

  @Test
  void jwtGrantRefusesForgedAssertionsAndCreatesNothing() {
    String googleUser = createGoogleUser("it-mobile-forged-jwt");
    String victim = createGoogleUser("it-mobile-victim");
    String victimId = createLinkedGatehouseUser(victim);
    String real = googleTokens(googleUser).path("id_token").asText();
    Census before = census();

    // The victim is linked, so a refusal of the claims naming the victim can only be about the signature.
    String victimClaims = impersonate(real, uuidOfUser(GOOGLE, googleUser), uuidOfUser(GOOGLE, victim));
    for (String forged : List.of("made-up-token", tamperSignature(real), resignWithForeignKey(real),
        victimClaims, resignWithForeignKey(victimClaims))) {
      KeycloakAdminClient.Response response = jwtGrant(forged);

      assertOAuthError(response, "invalid_grant");
      assertThat(response.json().path("error_description").asText()).doesNotContain("User not found");
    }

    assertThat(userIds(googleUser)).isEmpty();
    assertThat(linkedProviders(victimId)).containsExactly(GOOGLE);
    assertThat(census()).isEqualTo(before);
  }

  @Test
  void jwtGrantRefusesAnExpiredIdTokenOfALinkedUser() {
    String googleUser = createGoogleUser("it-mobile-expired-jwt");
    createLinkedGatehouseUser(googleUser);
    String expired = expiredGoogleTokens(googleUser).path("id_token").asText();
    Census before = census();

    KeycloakAdminClient.Response response = jwtGrant(expired);

    assertOAuthError(response, "invalid_grant");
    assertThat(response.json().path("error_description").asText()).contains("not active");
    assertThat(census()).isEqualTo(before);
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private void assertGatewayAllowsOnlyWhatThePermissionsAllow(String accessToken) {
    gw.upstream.clear();
    assertThat(gw.get(ALLOWED_PATH, accessToken).statusCode()).isEqualTo(200);
    assertThat(gw.upstream.received()).singleElement()
        .satisfies(received -> assertThat(received.header("X-Auth-Subject"))
            .isEqualTo(RealmTokens.subject(accessToken)));
    assertThat(gw.get(FORBIDDEN_PATH, accessToken).statusCode()).isEqualTo(403);
  }

  private static void assertOAuthError(KeycloakAdminClient.Response response, String error) {
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().path("error").asText()).as(response.body()).isEqualTo(error);
    assertThat(response.json().path("error_description").asText()).as("a reason a person can read").isNotBlank();
    assertThat(response.body()).doesNotContain("access_token");
    System.out.println("[mobile] refused as expected: " + response.body());
  }

  private KeycloakAdminClient.Response exchangeV1(String googleAccessToken) {
    return exchangeV1As("mobile", googleAccessToken);
  }

  private KeycloakAdminClient.Response exchangeV1As(String clientId, String googleAccessToken) {
    return admin.token(REALM, Map.of("grant_type", TOKEN_EXCHANGE, "client_id", clientId,
        "subject_token", googleAccessToken, "subject_issuer", GOOGLE, "subject_token_type", ACCESS_TOKEN_TYPE));
  }

  private record ScriptRun(int exitCode, String output) {}

  private ScriptRun runAllowScript(String clientId) throws Exception {
    Path script = StackLayout.locate().root().resolve("deploy/keycloak/allow-token-exchange.sh");
    ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), keycloak.baseUrl(), REALM, GOOGLE, clientId)
        .redirectErrorStream(true);
    builder.environment().put("GATEHOUSE_KEYCLOAK_ADMIN_USERNAME", keycloak.options().adminUsername());
    builder.environment().put("GATEHOUSE_KEYCLOAK_ADMIN_PASSWORD", keycloak.options().adminPassword());
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("allow-token-exchange.sh did not finish within 60 s: " + output);
    }
    return new ScriptRun(process.exitValue(), output);
  }

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }

  private KeycloakAdminClient.Response jwtGrant(String googleIdToken) {
    return admin.token(REALM, Map.of("grant_type", JWT_BEARER, "client_id", "mobile-backend",
        "client_secret", DevSecrets.keycloakEnvironment().get(DevSecrets.MOBILE_BACKEND_SECRET),
        "assertion", googleIdToken));
  }

  /** What a mobile app gets from Google Sign-In: here the stand-in's password grant, with an ID token. */
  private JsonNode googleTokens(String googleUser) {
    return admin.token(GOOGLE, Map.of("grant_type", "password", "client_id", GOOGLE_APP_CLIENT,
        "username", googleUser, "password", googleUser, "scope", "openid email profile")).expect(200).json();
  }

  /**
   * Real fake-google tokens that have expired. The app client's token lifespan is set to 1 s for one token request
   * (and restored), then this waits, bounded, until the clock has passed the tokens' {@code exp}. Genuine tokens,
   * because only fake-google can sign them; a crafted one would fail on its signature, not on its age. The app
   * client is the only one whose ID tokens {@code mobile-backend} accepts, hence no separate client.
   */
  private JsonNode expiredGoogleTokens(String googleUser) {
    String clientPath = GOOGLE + "/clients/" + uuidOf(GOOGLE, GOOGLE_APP_CLIENT);
    JsonNode tokens;
    setAppClientTokenLifespan(clientPath, "1");
    try {
      tokens = googleTokens(googleUser);
    } finally {
      // An empty value means "the realm's lifespan"; an absent key would leave the 1 s in place.
      setAppClientTokenLifespan(clientPath, "");
    }
    long exp = Math.max(Jwt.payload(tokens.path("access_token").asText()).path("exp").asLong(),
        Jwt.payload(tokens.path("id_token").asText()).path("exp").asLong());
    assertThat(exp - Instant.now().getEpochSecond()).as("the short lifespan took effect").isLessThanOrEqualTo(2);
    Poll.until(Duration.ofSeconds(10), "the clock passes exp=" + exp,
        () -> Instant.now().getEpochSecond() > exp);
    return tokens;
  }

  private void setAppClientTokenLifespan(String clientPath, String seconds) {
    ObjectNode client = (ObjectNode) admin.get(clientPath).expect(200).json();
    ((ObjectNode) client.get("attributes")).put("access.token.lifespan", seconds);
    admin.put(clientPath, client).expect(204);
  }

  private String createGoogleUser(String prefix) {
    String username = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    admin.post(GOOGLE + "/users", Map.of("username", username, "enabled", true,
        "email", username + "@gatehouse.test", "emailVerified", true, "firstName", "It", "lastName", "Mobile",
        "credentials", List.of(Map.of("type", "password", "value", username, "temporary", false)))).expect(201);
    return username;
  }

  /** A Gatehouse user linked to the Google account, as a first browser login through Google would leave it. */
  private String createLinkedGatehouseUser(String googleUser) {
    String googleId = uuidOfUser(GOOGLE, googleUser);
    String userId = admin.post(REALM + "/users", Map.of("username", googleUser, "enabled", true,
        "email", googleUser + "@gatehouse.test", "emailVerified", true, "firstName", "It", "lastName", "Mobile"))
        .createdId();
    admin.post(REALM + "/users/" + userId + "/federated-identity/" + GOOGLE,
        Map.of("identityProvider", GOOGLE, "userId", googleId, "userName", googleUser)).expect(204);
    return userId;
  }

  /** Users and Google links of the realm: refusals must leave both unchanged. */
  private record Census(int users, int linkedToGoogle) {}

  private Census census() {
    int users = Integer.parseInt(admin.get(REALM + "/users/count").expect(200).body().trim());
    int linked = admin.get(REALM + "/users?briefRepresentation=true&max=10000&idpAlias=" + GOOGLE).expect(200).json()
        .size();
    return new Census(users, linked);
  }

  private List<String> userIds(String username) {
    return admin.get(REALM + "/users?exact=true&username=" + username).expect(200).json().findValuesAsText("id");
  }

  private List<String> linkedProviders(String userId) {
    return admin.get(REALM + "/users/" + userId + "/federated-identity").expect(200).json()
        .findValuesAsText("identityProvider");
  }

  private String uuidOfUser(String realm, String username) {
    return admin.get(realm + "/users?exact=true&username=" + username).expect(200).json().get(0).path("id").asText();
  }

  private String clientUuid(String clientId) {
    return uuidOf(REALM, clientId);
  }

  private String uuidOf(String realm, String clientId) {
    return admin.get(realm + "/clients?clientId=" + clientId).expect(200).json().get(0).path("id").asText();
  }

  /** Same header and claims, one signature byte flipped. */
  private static String tamperSignature(String jwt) {
    String[] parts = jwt.split("\\.");
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    signature[signature.length / 2] ^= 0x01;
    return parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
  }

  /** The claims with one subject replaced by another, original signature kept. */
  private static String impersonate(String jwt, String subject, String otherSubject) {
    String[] parts = jwt.split("\\.");
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    assertThat(claims).contains("\"sub\":\"" + subject + "\"");
    String forged = claims.replace("\"sub\":\"" + subject + "\"", "\"sub\":\"" + otherSubject + "\"");
    return parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
  }

  /** Same header (kid included) and claims, validly signed with an RSA key the issuer never had. */
  private static String resignWithForeignKey(String jwt) {
    String[] parts = jwt.split("\\.");
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(generator.generateKeyPair().getPrivate());
      rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      return parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rs256.sign());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
