package dev.gatehouse.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.gateway.login.RedirectTargets.Delivery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class IdTokenValidatorTest {

  private static final String ISSUER = "https://sso.gatehouse.test/realms/gatehouse";
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

  private final FakeOidcProvider signer;
  private final JsonArray jwks;
  private final LoginState state = new LoginState("st", "the-nonce", "verifier", "https://a.gatehouse.test/",
      Delivery.COOKIE, NOW.getEpochSecond() + 600);
  private final IdTokenValidator validator = new IdTokenValidator(ISSUER, "gateway");

  IdTokenValidatorTest() throws Exception {
    signer = new FakeOidcProvider();
    jwks = signer.jwks().getJsonArray("keys");
  }

  private JsonObject claims() {
    return new JsonObject().put("iss", ISSUER).put("aud", "gateway").put("azp", "gateway").put("typ", "ID")
        .put("sub", "u1").put("exp", NOW.getEpochSecond() + 300).put("nonce", "the-nonce");
  }

  private String token(Consumer<JsonObject> change) {
    JsonObject claims = claims();
    change.accept(claims);
    return signer.sign(claims);
  }

  @Test
  void acceptsAProperlySignedTokenForThisLogin() {
    assertThat(validator.validate(token(c -> {}), jwks, state, NOW).getString("sub")).isEqualTo("u1");
    assertThat(validator.validate(token(c -> c.put("aud", new JsonArray().add("other").add("gateway"))), jwks, state,
        NOW).getString("sub")).isEqualTo("u1");
  }

  @Test
  void refusesAWrongNonceAsARefusedLoginNotAProviderFault() {
    assertThatThrownBy(() -> validator.validate(token(c -> c.put("nonce", "other")), jwks, state, NOW))
        .isInstanceOfSatisfying(OidcException.class, e -> assertThat(e.kind()).isEqualTo(OidcException.Kind.GRANT_REFUSED));
    assertThatThrownBy(() -> validator.validate(token(c -> c.remove("nonce")), jwks, state, NOW))
        .isInstanceOf(OidcException.class);
  }

  @Test
  void refusesWrongClaims() {
    assertRefused(token(c -> c.put("iss", "https://evil.test/realms/gatehouse")), "issuer");
    assertRefused(token(c -> c.put("aud", "other-client")), "not meant for client");
    assertRefused(token(c -> c.put("azp", "other-client")), "another client");
    assertRefused(token(c -> c.put("typ", "Bearer")), "not an ID token");
    assertRefused(token(c -> c.put("exp", NOW.getEpochSecond() - 31)), "expired");
    assertRefused(token(c -> c.put("exp", "9999999999")), "numeric exp");
    assertRefused(token(c -> c.remove("exp")), "numeric exp");
  }

  @Test
  void refusesBadSignaturesAndAlgorithms() {
    String good = token(c -> {});
    String[] parts = good.split("\\.");
    String otherPayload = b64(claims().put("sub", "admin").encode());

    assertRefused(parts[0] + "." + otherPayload + "." + parts[2], "signature");
    assertRefused(b64("{\"alg\":\"none\",\"kid\":\"test-key\"}") + "." + parts[1] + ".", "signed with none");
    assertRefused(b64("{\"alg\":\"HS256\",\"kid\":\"test-key\"}") + "." + parts[1] + "." + parts[2], "HS256");
    assertRefused(b64("{\"alg\":\"RS256\",\"kid\":\"unknown\"}") + "." + parts[1] + "." + parts[2], "no RSA signing key");
    assertRefused(b64("{\"alg\":\"RS256\",\"kid\":\"enc-key\"}") + "." + parts[1] + "." + parts[2], "no RSA signing key");
    assertRefused("a.b", "compact JWS");
    assertRefused(null, "no ID token");
    assertThatThrownBy(() -> validator.validate(good, new JsonArray(), state, NOW)).isInstanceOf(OidcException.class);
  }

  @Test
  void refusesCriticalHeaderExtensions() {
    JsonObject header = new JsonObject().put("alg", "RS256").put("kid", "test-key").put("crit", new JsonArray().add("exp"))
        .put("exp", 0);
    assertRefused(signer.sign(header, claims()), "signature");
  }

  private void assertRefused(String idToken, String messagePart) {
    assertThatThrownBy(() -> validator.validate(idToken, jwks, state, NOW))
        .isInstanceOf(OidcException.class).hasMessageContaining(messagePart);
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
