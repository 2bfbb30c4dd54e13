package dev.gatehouse.it.keycloak;

import static dev.gatehouse.it.keycloak.PermissionsClaimIT.arrayClaim;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.it.support.Jwt;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The first login through the {@code fake-google} provider is find-or-create and shows no form when the profile is
 * complete. Uses its own fake-google users, so alice and bob stay fresh for the browser tests.
 */
@ExtendWith(RealKeycloak.class)
class BrokerFirstLoginIT {
  private static final String APP = "skilltree";
  private static final String REDIRECT_URI = "http://skilltree.gatehouse.test/callback";

  @Test
  void aNewGoogleUserIsCreatedWithoutAnyFormAndGetsTheDefaultPermissions(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    String username = createFakeGoogleUser(keycloak.admin(), "it-newcomer");

    JsonNode claims = loginThroughFakeGoogle(keycloak, username);

    String userId = realm.userId(username);
    assertThat(claims.path("preferred_username").asText()).isEqualTo(username);
    assertThat(claims.path("sub").asText()).isEqualTo(userId);
    assertThat(arrayClaim(claims, "permissions")).contains("view-skills")
        .containsExactlyElementsOf(realm.effectivePermissions(userId));
    assertThat(arrayClaim(claims, "roles")).containsExactly("fellow");
  }

  @Test
  void aGoogleUserWithTheEmailOfAnExistingUserIsLinkedToThatUser(KeycloakServer keycloak) {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    KeycloakAdminClient admin = keycloak.admin();
    String googleUsername = createFakeGoogleUser(admin, "it-returning");
    String localUsername = GatehouseRealm.unique("it-local");
    String localId = admin.post(GatehouseRealm.REALM + "/users", Map.of("username", localUsername, "enabled", true,
        "email", googleUsername + "@gatehouse.test", "emailVerified", true, "firstName", "It", "lastName", "Local"))
        .createdId();
    admin.post(GatehouseRealm.REALM + "/users/" + localId + "/role-mappings/realm",
        List.of(admin.get(GatehouseRealm.REALM + "/roles/admin").expect(200).json())).expect(204);

    JsonNode claims = loginThroughFakeGoogle(keycloak, googleUsername);

    assertThat(claims.path("sub").asText()).as("linked to the existing user, not a new one").isEqualTo(localId);
    assertThat(arrayClaim(claims, "permissions")).contains("manage-activities")
        .containsExactlyElementsOf(realm.effectivePermissions(localId));
    assertThat(admin.get(GatehouseRealm.REALM + "/users/" + localId + "/federated-identity").expect(200).json()
        .findValuesAsText("identityProvider")).containsExactly("fake-google");
  }

  private static String createFakeGoogleUser(KeycloakAdminClient admin, String prefix) {
    String username = GatehouseRealm.unique(prefix);
    admin.post("fake-google/users", Map.of("username", username, "enabled", true,
        "email", username + "@gatehouse.test", "emailVerified", true, "firstName", "It", "lastName", "Googler",
        "credentials", List.of(Map.of("type", "password", "value", username, "temporary", false)))).expect(201);
    return username;
  }

  /** Authorization code + PKCE for the skilltree app, straight to fake-google; returns the access token's claims. */
  private static JsonNode loginThroughFakeGoogle(KeycloakServer keycloak, String username) {
    String verifier = randomUrlSafe(48);
    String authorize = keycloak.issuer(GatehouseRealm.REALM) + "/protocol/openid-connect/auth?client_id=" + APP
        + "&response_type=code&scope=openid&state=it&kc_idp_hint=fake-google"
        + "&redirect_uri=" + URLEncoder.encode(REDIRECT_URI, StandardCharsets.UTF_8)
        + "&code_challenge=" + s256(verifier) + "&code_challenge_method=S256";
    LoopbackBrowser browser = new LoopbackBrowser();

    LoopbackBrowser.Stop loginPage = browser.open(authorize, url -> url.startsWith(REDIRECT_URI));
    assertThat(loginPage.uri().getPath()).as("the fake-google login page").startsWith("/realms/fake-google/");
    LoopbackBrowser.Stop back = browser.submitForm(loginPage, Map.of("username", username, "password", username),
        url -> url.startsWith(REDIRECT_URI));
    assertThat(back.location())
        .as("straight back to the app, no review-profile or link form; stopped at %s:%n%s", back.uri(), back.body())
        .startsWith(REDIRECT_URI);

    String code = queryParameter(back.location(), "code");
    String accessToken = keycloak.admin().token(GatehouseRealm.REALM, Map.of("grant_type", "authorization_code",
        "client_id", APP, "code", code, "redirect_uri", REDIRECT_URI, "code_verifier", verifier))
        .expect(200).json().path("access_token").asText();
    return Jwt.payload(accessToken);
  }

  private static String queryParameter(String url, String name) {
    for (String pair : URI.create(url).getRawQuery().split("&")) {
      if (pair.startsWith(name + "=")) {
        return java.net.URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError("No '" + name + "' in " + url);
  }

  private static String randomUrlSafe(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  private static String s256(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
