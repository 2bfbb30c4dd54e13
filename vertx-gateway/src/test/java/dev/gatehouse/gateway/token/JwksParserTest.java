package dev.gatehouse.gateway.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JwksParserTest {

  static final TestSigner RSA = TestSigner.rsa("rsa");
  static final TestSigner EC = TestSigner.ec("ec");
  private final JwksParser rs256Only = new JwksParser(EnumSet.of(SignatureAlgorithm.RS256));

  private static String jwks(JsonObject... keys) {
    return new JsonObject().put("keys", new JsonArray(java.util.List.of((Object[]) keys))).encode();
  }

  @Test
  void keepsKeycloaksSigningKeyAndSkipsItsEncryptionKey() {
    JwksParser.Result result = rs256Only.parse(jwks(RSA.jwk(), TestSigner.rsa("enc").jwk("RSA-OAEP", "enc")));

    assertThat(result.keys()).extracting(SigningKey::kid).containsExactly("rsa");
    assertThat(result.keys().get(0).algorithm()).isEqualTo(SignatureAlgorithm.RS256);
    assertThat(result.skipped()).singleElement().asString().contains("enc");
  }

  static Stream<Arguments> skipped() {
    return Stream.of(
        Arguments.of("HMAC key", new JsonObject().put("kty", "oct").put("kid", "hs").put("alg", "HS256").put("k", "c2VjcmV0"), "HS256"),
        Arguments.of("oct key without alg", new JsonObject().put("kty", "oct").put("kid", "hs").put("k", "c2VjcmV0"), "oct"),
        Arguments.of("use enc", RSA.jwk("RS256", "enc"), "use"),
        Arguments.of("key_ops without verify", RSA.jwk().put("key_ops", new JsonArray().add("encrypt")), "key_ops"),
        Arguments.of("no kid", removeKid(RSA.jwk()), "no kid"),
        Arguments.of("alg none", RSA.jwk("none", "sig"), "none"),
        Arguments.of("alg not allowed", RSA.jwk("PS256", "sig"), "PS256"),
        Arguments.of("EC key when only RS256 is allowed", EC.jwk(), "ES256"),
        Arguments.of("RSA key of 1024 bits", TestSigner.rsa("weak", 1024).jwk(), "too weak"),
        Arguments.of("alg RS256 on an EC key", EC.jwk("RS256", "sig"), "kty"),
        Arguments.of("missing modulus", RSA.jwk().put("n", (String) null), "n"),
        Arguments.of("not an object", null, "not a JSON object"),
        Arguments.of("EC point not on the curve", EC.jwk().put("y", EC.jwk().getString("x")), "curve"),
        Arguments.of("key_ops with an unknown operation", RSA.jwk(null, null).put("key_ops", new JsonArray().add("verify").add("fly")), "fly"));
  }

  private static JsonObject removeKid(JsonObject jwk) {
    jwk.remove("kid");
    return jwk;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void skipped(String name, JsonObject jwk, String why) {
    String document = jwk == null ? "{\"keys\":[42]}" : jwks(jwk);
    JwksParser.Result result = rs256Only.parse(document);

    assertThat(result.keys()).isEmpty();
    assertThat(result.skipped()).singleElement().asString().contains(why);
  }

  @Test
  void keyWithoutAlgServesTheAllowedAlgorithmsOfItsType() {
    JwksParser parser = new JwksParser(EnumSet.of(SignatureAlgorithm.RS256, SignatureAlgorithm.PS256));
    SigningKey key = parser.parse(jwks(RSA.jwk(null, null))).keys().get(0);

    assertThat(key.accepts(SignatureAlgorithm.RS256)).isTrue();
    assertThat(key.accepts(SignatureAlgorithm.PS256)).isTrue();
    assertThat(key.accepts(SignatureAlgorithm.ES256)).isFalse();
  }

  @Test
  void readsEcP256Keys() {
    SigningKey key = new JwksParser(Set.of(SignatureAlgorithm.ES256)).parse(jwks(EC.jwk())).keys().get(0);
    assertThat(key.accepts(SignatureAlgorithm.ES256)).isTrue();
    assertThat(key.publicKey()).isEqualTo(EC.keyPair.getPublic());
  }

  @Test
  void keepsTheFirstOfTwoKeysWithTheSameKid() {
    JwksParser.Result result = rs256Only.parse(jwks(RSA.jwk(), TestSigner.rsa("rsa").jwk()));
    assertThat(result.keys()).singleElement().extracting(SigningKey::publicKey).isEqualTo(RSA.keyPair.getPublic());
    assertThat(result.skipped()).singleElement().asString().contains("same kid");
  }

  @Test
  void oneUnreadableKeyDoesNotCostTheOthers() {
    // Nimbus's JWKSet.parse refuses the whole set for one bad key; the gateway must still pick up a rotated key.
    JwksParser.Result result = rs256Only.parse(jwks(RSA.jwk().put("n", (String) null), TestSigner.rsa("next").jwk()));

    assertThat(result.keys()).extracting(SigningKey::kid).containsExactly("next");
    assertThat(result.skipped()).singleElement().asString().contains("rsa");
  }

  @Test
  void refusesDocumentsThatAreNotAJwks() {
    for (String document : new String[] {"", "[]", "{}", "{\"keys\":{}}", "<html>", "{\"keys\":[]} trailing", "{\"keys\":[],\"keys\":[]}"}) {
      assertThatThrownBy(() -> rs256Only.parse(document)).as(document)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keys");
    }
  }

  @Test
  void anEmptyKeySetCannotBeBuilt() {
    assertThatThrownBy(() -> SigningKeys.of(java.util.List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
