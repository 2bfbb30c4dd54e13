package dev.gatehouse.gateway.token;

import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.BAD_ALGORITHM;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.BAD_SIGNATURE;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.CRITICAL_HEADER;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.EXPIRED;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.INVALID_CLAIM;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.MALFORMED;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.MISSING_EXP;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.NOT_YET_VALID;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.TOO_LARGE;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.UNKNOWN_KEY;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.WRONG_AUDIENCE;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.WRONG_AUTHORIZED_PARTY;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.WRONG_ISSUER;
import static dev.gatehouse.gateway.token.TokenRejectedException.Reason.WRONG_TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.token.TokenRejectedException.Reason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JwtTokenVerifierTest {

  static final String ISSUER = "https://sso.example.test/realms/gatehouse";
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  static final TestSigner KEY = TestSigner.rsa("key-1");
  static final TestSigner ATTACKER = TestSigner.rsa("key-1");
  static final TestSigner OTHER_KID = TestSigner.rsa("key-unknown");

  private final MutableClock clock = new MutableClock(NOW);
  private final CountingListener listener = new CountingListener();

  static JsonObject claims() {
    long now = NOW.getEpochSecond();
    return new JsonObject()
        .put("iss", ISSUER).put("sub", "user-1").put("typ", "Bearer").put("azp", "web-app")
        .put("aud", "account").put("iat", now - 10).put("exp", now + 300)
        .put("preferred_username", "ada").put("email", "ada@example.test")
        .put("permissions", new JsonArray().add("view-roles").add("manage-users"))
        .put("roles", new JsonArray().add("fellow"));
  }

  static JsonObject header(String alg) {
    return new JsonObject().put("alg", alg).put("typ", "JWT").put("kid", KEY.kid);
  }

  static String valid() {
    return KEY.sign("RS256", claims());
  }

  static TokenVerifierOptions options() {
    return new TokenVerifierOptions().setIssuer(ISSUER);
  }

  private JwtTokenVerifier verifier(TokenVerifierOptions options) {
    return new JwtTokenVerifier(options, new FixedKeys(keysOf(KEY)), listener, clock);
  }

  static SigningKeys keysOf(TestSigner... signers) {
    JwksParser parser = new JwksParser(EnumSet.allOf(SignatureAlgorithm.class));
    JsonArray jwks = new JsonArray();
    for (TestSigner signer : signers) {
      jwks.add(signer.jwk());
    }
    return SigningKeys.of(parser.parse(new JsonObject().put("keys", jwks).encode()).keys());
  }

  private static String unsigned(JsonObject header, JsonObject claims, String signature) {
    return TestSigner.b64(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + TestSigner.b64(claims.encode().getBytes(StandardCharsets.UTF_8)) + "." + signature;
  }

  private static String withClaims(Function<JsonObject, JsonObject> edit) {
    return KEY.sign("RS256", edit.apply(claims()));
  }

  static Stream<Arguments> hostile() {
    JsonObject admin = claims().put("permissions", new JsonArray().add("admin"));
    byte[] publicDer = KEY.keyPair.getPublic().getEncoded();
    byte[] publicPem = ("-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(publicDer)
        + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    String good = valid();
    String[] parts = good.split("\\.");
    String tamperedPayload = TestSigner.b64(admin.encode().getBytes(StandardCharsets.UTF_8));
    return Stream.of(
        Arguments.of("alg none, empty signature", unsigned(header("none"), admin, ""), BAD_ALGORITHM),
        Arguments.of("alg none, with a signature", unsigned(header("none"), admin, "AAAA"), BAD_ALGORITHM),
        Arguments.of("alg None", unsigned(header("None"), admin, ""), BAD_ALGORITHM),
        Arguments.of("alg NONE", unsigned(header("NONE"), admin, ""), BAD_ALGORITHM),
        Arguments.of("alg nOnE", unsigned(header("nOnE"), admin, ""), BAD_ALGORITHM),
        Arguments.of("alg empty", unsigned(header(""), admin, "AAAA"), BAD_ALGORITHM),
        Arguments.of("alg missing", unsigned(new JsonObject().put("kid", KEY.kid), admin, "AAAA"), BAD_ALGORITHM),
        Arguments.of("alg a number", unsigned(new JsonObject().put("alg", 256).put("kid", KEY.kid), admin, "AAAA"), BAD_ALGORITHM),
        Arguments.of("alg rs256 lower case", KEY.sign(header("rs256"), admin), BAD_ALGORITHM),
        Arguments.of("HS256 with the public key DER as secret", TestSigner.hmac(header("HS256"), admin, publicDer), BAD_ALGORITHM),
        Arguments.of("HS256 with the public key PEM as secret", TestSigner.hmac(header("HS256"), admin, publicPem), BAD_ALGORITHM),
        Arguments.of("ES256 when only RS256 is allowed", unsigned(header("ES256"), admin, "AAAA"), BAD_ALGORITHM),
        Arguments.of("PS256 when only RS256 is allowed", KEY.sign(header("PS256"), admin), BAD_ALGORITHM),
        Arguments.of("unknown kid", OTHER_KID.sign("RS256", claims()), UNKNOWN_KEY),
        Arguments.of("no kid", KEY.sign(new JsonObject().put("alg", "RS256"), claims()), MALFORMED),
        Arguments.of("kid not a string", KEY.sign(new JsonObject().put("alg", "RS256").put("kid", 1), claims()), MALFORMED),
        Arguments.of("expired", withClaims(c -> c.put("exp", NOW.getEpochSecond() - 60)), EXPIRED),
        Arguments.of("expired beyond the skew", withClaims(c -> c.put("exp", NOW.getEpochSecond() - 10)), EXPIRED),
        Arguments.of("nbf in the future", withClaims(c -> c.put("nbf", NOW.getEpochSecond() + 60)), NOT_YET_VALID),
        Arguments.of("iat in the future", withClaims(c -> c.put("iat", NOW.getEpochSecond() + 60)), NOT_YET_VALID),
        Arguments.of("no exp", withClaims(c -> { c.remove("exp"); return c; }), MISSING_EXP),
        Arguments.of("exp a string", withClaims(c -> c.put("exp", String.valueOf(NOW.getEpochSecond() + 300))), INVALID_CLAIM),
        Arguments.of("exp a boolean", withClaims(c -> c.put("exp", true)), INVALID_CLAIM),
        Arguments.of("exp null", withClaims(c -> c.putNull("exp")), INVALID_CLAIM),
        Arguments.of("exp too large", KEY.signRaw(header("RS256").encode(),
            claims().put("exp", 0).encode().replace("\"exp\":0", "\"exp\":1e400")), INVALID_CLAIM),
        Arguments.of("nbf a string", withClaims(c -> c.put("nbf", "0")), INVALID_CLAIM),
        Arguments.of("iat a string", withClaims(c -> c.put("iat", "0")), INVALID_CLAIM),
        Arguments.of("wrong iss", withClaims(c -> c.put("iss", "https://evil.test/realms/gatehouse")), WRONG_ISSUER),
        Arguments.of("iss with a trailing slash", withClaims(c -> c.put("iss", ISSUER + "/")), WRONG_ISSUER),
        Arguments.of("other realm", withClaims(c -> c.put("iss", ISSUER + "2")), WRONG_ISSUER),
        Arguments.of("no iss", withClaims(c -> { c.remove("iss"); return c; }), WRONG_ISSUER),
        Arguments.of("iss an array", withClaims(c -> c.put("iss", new JsonArray().add(ISSUER))), INVALID_CLAIM),
        Arguments.of("typ ID", withClaims(c -> c.put("typ", "ID")), WRONG_TYPE),
        Arguments.of("typ Refresh", withClaims(c -> c.put("typ", "Refresh")), WRONG_TYPE),
        Arguments.of("typ bearer lower case", withClaims(c -> c.put("typ", "bearer")), WRONG_TYPE),
        Arguments.of("no typ", withClaims(c -> { c.remove("typ"); return c; }), WRONG_TYPE),
        Arguments.of("tampered payload", parts[0] + "." + tamperedPayload + "." + parts[2], BAD_SIGNATURE),
        Arguments.of("truncated signature", good.substring(0, good.length() - 4), BAD_SIGNATURE),
        Arguments.of("signature of another token", parts[0] + "." + parts[1] + "."
            + withClaims(c -> c.put("sub", "other")).split("\\.")[2], BAD_SIGNATURE),
        Arguments.of("wrong key, same kid", ATTACKER.sign("RS256", admin), BAD_SIGNATURE),
        Arguments.of("crit header", KEY.sign(header("RS256").put("crit", new JsonArray().add("exp")).put("exp", 1), claims()), CRITICAL_HEADER),
        Arguments.of("crit empty", KEY.sign(header("RS256").put("crit", new JsonArray()), claims()), CRITICAL_HEADER),
        Arguments.of("embedded jwk of the attacker", ATTACKER.sign(header("RS256").put("jwk", ATTACKER.jwk()), admin), BAD_SIGNATURE),
        Arguments.of("jku to the attacker", ATTACKER.sign(header("RS256").put("jku", "https://evil.test/jwks"), admin), BAD_SIGNATURE),
        Arguments.of("x5c of the attacker", ATTACKER.sign(header("RS256").put("x5c", new JsonArray().add("MIIB")), admin), BAD_SIGNATURE),
        Arguments.of("two segments", parts[0] + "." + parts[1], MALFORMED),
        Arguments.of("four segments", good + ".AAAA", MALFORMED),
        Arguments.of("five segments (JWE shape)", good + ".AAAA.AAAA", MALFORMED),
        Arguments.of("empty token", "", MALFORMED),
        Arguments.of("null token", null, MALFORMED),
        Arguments.of("huge token", good + "A".repeat(16 * 1024), TOO_LARGE),
        Arguments.of("padding in a segment", parts[0] + "=." + parts[1] + "." + parts[2], MALFORMED),
        Arguments.of("standard base64 characters", parts[0] + "." + parts[1] + "." + parts[2].replace('-', '+').replace('_', '/') + "+/", MALFORMED),
        Arguments.of("non-ASCII", parts[0] + "." + parts[1] + "é." + parts[2], MALFORMED),
        Arguments.of("whitespace", parts[0] + " ." + parts[1] + "." + parts[2], MALFORMED),
        Arguments.of("header not JSON", TestSigner.b64("nope".getBytes()) + "." + parts[1] + "." + parts[2], MALFORMED),
        Arguments.of("header a JSON array", TestSigner.b64("[1]".getBytes()) + "." + parts[1] + "." + parts[2], MALFORMED),
        Arguments.of("duplicate alg in header", unsigned(header("RS256"), claims(), parts[2])
            .replaceFirst("^[^.]+", TestSigner.b64(("{\"alg\":\"RS256\",\"alg\":\"none\",\"kid\":\"" + KEY.kid + "\"}").getBytes())), MALFORMED),
        Arguments.of("payload not JSON, validly signed", KEY.signRaw(header("RS256").encode(), "not json"), MALFORMED),
        Arguments.of("duplicate sub in payload, validly signed", KEY.signRaw(header("RS256").encode(),
            claims().encode().replaceFirst("\\{", "{\"sub\":\"admin\",")), MALFORMED),
        Arguments.of("trailing data after payload, validly signed", KEY.signRaw(header("RS256").encode(), claims().encode() + "{}"), MALFORMED),
        Arguments.of("permissions a string", withClaims(c -> c.put("permissions", "admin")), INVALID_CLAIM),
        Arguments.of("permissions an object", withClaims(c -> c.put("permissions", new JsonObject().put("admin", true))), INVALID_CLAIM),
        Arguments.of("permissions with a number", withClaims(c -> c.put("permissions", new JsonArray().add("a").add(1))), INVALID_CLAIM),
        Arguments.of("permissions null", withClaims(c -> c.putNull("permissions")), INVALID_CLAIM),
        Arguments.of("roles a string", withClaims(c -> c.put("roles", "admin")), INVALID_CLAIM),
        Arguments.of("no sub", withClaims(c -> { c.remove("sub"); return c; }), INVALID_CLAIM),
        Arguments.of("empty sub", withClaims(c -> c.put("sub", "")), INVALID_CLAIM),
        Arguments.of("email not a string", withClaims(c -> c.put("email", new JsonArray())), INVALID_CLAIM),
        // Traps of the JOSE library underneath: Nimbus's base64url decoder skips characters outside the alphabet, so
        // without the gateway's own form check these altered copies of a valid token would verify.
        Arguments.of("signature with a character outside base64url", parts[0] + "." + parts[1] + "."
            + parts[2].substring(0, 100) + "*" + parts[2].substring(100), MALFORMED),
        Arguments.of("signature with a space inside", parts[0] + "." + parts[1] + "."
            + parts[2].substring(0, 100) + " " + parts[2].substring(100), MALFORMED),
        Arguments.of("leading whitespace", " " + good, MALFORMED),
        Arguments.of("header not UTF-8", TestSigner.b64(concat(("{\"alg\":\"RS256\",\"kid\":\"" + KEY.kid).getBytes(),
            new byte[] {(byte) 0xff}, "\"}".getBytes())) + "." + parts[1] + "." + parts[2], MALFORMED),
        Arguments.of("deeply nested header JSON", TestSigner.b64(("{\"alg\":\"RS256\",\"kid\":\"" + KEY.kid + "\",\"x\":"
            + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes()) + "." + parts[1] + "." + parts[2], MALFORMED),
        Arguments.of("deeply nested payload, validly signed", KEY.signRaw(header("RS256").encode(),
            claims().encode().replaceFirst("\\{", "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + ",")), MALFORMED),
        // Nimbus's NumericDate reading would make this Long.MAX_VALUE, a token that never expires.
        Arguments.of("exp beyond the range of a long", KEY.signRaw(header("RS256").encode(),
            claims().put("exp", 0).encode().replace("\"exp\":0", "\"exp\":1e30")), INVALID_CLAIM),
        Arguments.of("x5u to the attacker", ATTACKER.sign(header("RS256").put("x5u", "https://evil.test/cert.pem"), admin), BAD_SIGNATURE));
  }

  private static byte[] concat(byte[]... arrays) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] array : arrays) {
      out.writeBytes(array);
    }
    return out.toByteArray();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void hostile(String name, String token, Reason expected) throws Exception {
    Throwable failure = Await.failure(verifier(options()).verify(token));

    assertThat(failure).isInstanceOf(TokenRejectedException.class);
    TokenRejectedException rejection = (TokenRejectedException) failure;
    assertThat(rejection.reason()).isEqualTo(expected);
    assertThat(rejection.getMessage()).isNotBlank().hasSizeLessThan(100);
    if (token != null && token.length() > 20) {
      assertThat(rejection.getMessage()).doesNotContain(token.substring(0, 20));
    }
    assertThat(listener.rejections).containsEntry(expected, 1);
    assertThat(listener.accepted).hasValue(0);
  }

  @Test
  void acceptsAValidTokenAndMapsItsClaims() throws Exception {
    VerifiedToken token = Await.result(verifier(options()).verify(valid()));

    assertThat(token).isEqualTo(new VerifiedToken("user-1", "ada", "ada@example.test",
        Set.of("view-roles", "manage-users"), Set.of("fellow"), "web-app", NOW.getEpochSecond() + 300, null, null,
        NOW.getEpochSecond() - 10));
  }

  @Test
  void keepsTheSessionIdAndIssueTimeForLiveRevocation() throws Exception {
    String withSession = KEY.sign("RS256", claims().put("sid", "session-7"));

    VerifiedToken token = Await.result(verifier(options()).verify(withSession));
    assertThat(token.sessionId()).isEqualTo("session-7");
    assertThat(token.issuedAtEpochSecond()).isEqualTo(NOW.getEpochSecond() - 10);
    String withoutIat = withClaims(c -> {
      c.remove("iat");
      return c;
    });
    assertThat(Await.result(verifier(options()).verify(withoutIat)).issuedAtEpochSecond())
        .as("0: any matching revocation refuses it").isZero();
  }

  @Test
  void keepsTheApiTokenIdOfATokenResolvedFromAnApiToken() throws Exception {
    String resolved = KEY.sign("RS256", claims().put("api_token_id", "cred-42"));

    assertThat(Await.result(verifier(options()).verify(resolved)).apiTokenId()).isEqualTo("cred-42");
    assertThat(Await.result(verifier(options()).verify(valid())).apiTokenId()).isNull();
  }

  @Test
  void missingPermissionsAndRolesMeanNone() throws Exception {
    String token = withClaims(c -> {
      c.remove("permissions");
      c.remove("roles");
      c.remove("email");
      c.remove("preferred_username");
      return c;
    });
    VerifiedToken verified = Await.result(verifier(options()).verify(token));
    assertThat(verified.permissions()).isEmpty();
    assertThat(verified.roles()).isEmpty();
    assertThat(verified.email()).isNull();
  }

  @Test
  void acceptsExpiryWithinTheClockSkewOnly() throws Exception {
    String justExpired = withClaims(c -> c.put("exp", NOW.getEpochSecond() - 5));
    assertThat(Await.result(verifier(options().setClockSkew(Duration.ofSeconds(10))).verify(justExpired)).subject())
        .isEqualTo("user-1");
    assertThat(((TokenRejectedException) Await.failure(
        verifier(options().setClockSkew(Duration.ZERO)).verify(justExpired))).reason()).isEqualTo(EXPIRED);
  }

  @Test
  void acceptsFractionalNumericDates() throws Exception {
    String token = withClaims(c -> c.put("exp", NOW.getEpochSecond() + 300.5).put("nbf", NOW.getEpochSecond() - 1.5));
    assertThat(Await.result(verifier(options()).verify(token)).expiresAtEpochSecond()).isEqualTo(NOW.getEpochSecond() + 300);
  }

  @Test
  void readsNestedRoleClaims() throws Exception {
    String token = withClaims(c -> c.put("realm_access", new JsonObject().put("roles", new JsonArray().add("admin"))));
    VerifiedToken verified = Await.result(verifier(options().setRolesClaim("realm_access.roles")).verify(token));
    assertThat(verified.roles()).containsExactly("admin");
  }

  static Stream<Arguments> audiences() {
    return Stream.of(
        Arguments.of(Set.of("orders"), Set.of(), "orders", true),
        Arguments.of(Set.of("orders"), Set.of(), new JsonArray().add("account").add("orders"), true),
        Arguments.of(Set.of("orders", "billing"), Set.of(), new JsonArray().add("billing"), true),
        Arguments.of(Set.of("orders"), Set.of(), "account", false),
        Arguments.of(Set.of("orders"), Set.of(), new JsonArray().add("account"), false),
        Arguments.of(Set.of("orders"), Set.of(), null, false),
        Arguments.of(Set.of(), Set.of("web-app"), "account", true),
        Arguments.of(Set.of(), Set.of("mobile"), "account", false),
        Arguments.of(Set.of("orders"), Set.of("web-app"), "orders", true),
        Arguments.of(Set.of("orders"), Set.of("mobile"), "orders", false),
        Arguments.of(Set.of(), Set.of(), null, true));
  }

  @ParameterizedTest
  @MethodSource
  void audiences(Set<String> audiences, Set<String> parties, Object aud, boolean accepted) throws Exception {
    String token = withClaims(c -> aud == null ? removed(c, "aud") : c.put("aud", aud));
    JwtTokenVerifier verifier = verifier(options().setAudiences(audiences).setAuthorizedParties(parties));
    if (accepted) {
      assertThat(Await.result(verifier.verify(token)).subject()).isEqualTo("user-1");
    } else {
      Reason reason = ((TokenRejectedException) Await.failure(verifier.verify(token))).reason();
      assertThat(reason).isIn(WRONG_AUDIENCE, WRONG_AUTHORIZED_PARTY);
    }
  }

  @Test
  void refusesATokenWithoutAzpWhenPartiesAreConfigured() throws Exception {
    String token = withClaims(c -> removed(c, "azp"));
    Throwable failure = Await.failure(verifier(options().setAuthorizedParties(Set.of("web-app"))).verify(token));
    assertThat(((TokenRejectedException) failure).reason()).isEqualTo(WRONG_AUTHORIZED_PARTY);
  }

  private static JsonObject removed(JsonObject claims, String name) {
    claims.remove(name);
    return claims;
  }

  @Test
  void verifiesEs256AndPs256WhenAllowed() throws Exception {
    TestSigner ec = TestSigner.ec("ec-1");
    TestSigner pss = TestSigner.rsa("ps-1");
    JwksParser parser = new JwksParser(EnumSet.allOf(SignatureAlgorithm.class));
    SigningKeys keys = SigningKeys.of(parser.parse(new JsonObject().put("keys", new JsonArray()
        .add(ec.jwk()).add(pss.jwk("PS256", "sig"))).encode()).keys());
    JwtTokenVerifier verifier = new JwtTokenVerifier(
        options().setAllowedAlgorithms(EnumSet.of(SignatureAlgorithm.ES256, SignatureAlgorithm.PS256)),
        new FixedKeys(keys), listener, clock);

    assertThat(Await.result(verifier.verify(ec.sign("ES256", claims()))).subject()).isEqualTo("user-1");
    assertThat(Await.result(verifier.verify(pss.sign("PS256", claims()))).subject()).isEqualTo("user-1");
    // A key published for PS256 does not verify RS256, even though both are RSA.
    Throwable crossAlgorithm = Await.failure(verifier.verify(pss.sign("RS256", claims())));
    assertThat(((TokenRejectedException) crossAlgorithm).reason()).isEqualTo(BAD_ALGORITHM);
  }

  @Test
  void refusesASignatureWithACharacterNimbusWouldDropSilently() throws Exception {
    // A 3072-bit RSA signature is 512 base64url characters, a multiple of 4: one more character is dangling, and
    // Nimbus's decoder drops it, so the altered token would verify with the original signature.
    TestSigner big = TestSigner.rsa("rsa-3072", 3072);
    JwtTokenVerifier verifier = new JwtTokenVerifier(options(), new FixedKeys(keysOf(big)), listener, clock);
    String token = big.sign("RS256", claims());
    assertThat(token.substring(token.lastIndexOf('.') + 1)).hasSize(512);

    assertThat(Await.result(verifier.verify(token)).subject()).isEqualTo("user-1");
    Throwable dangling = Await.failure(verifier.verify(token + "A"));
    assertThat(((TokenRejectedException) dangling).reason()).isEqualTo(MALFORMED);
  }

  @Test
  void refusesADuplicateClaimNestedInsideAnObject() throws Exception {
    // Nimbus's JSON refuses duplicate names only at the top level; nested ones would silently take the last value.
    String token = KEY.signRaw(header("RS256").encode(), claims().encode().replaceFirst("\\{",
        "{\"realm_access\":{\"roles\":[\"fellow\"],\"roles\":[\"admin\"]},"));
    Throwable failure = Await.failure(verifier(options().setRolesClaim("realm_access.roles")).verify(token));
    assertThat(((TokenRejectedException) failure).reason()).isEqualTo(MALFORMED);
  }

  @Test
  void refusesAnAllZeroEs256Signature() throws Exception {
    // CVE-2022-21449 ("psychic signatures"): r = s = 0 verified on some JDKs.
    TestSigner ec = TestSigner.ec("ec-1");
    JwtTokenVerifier verifier = new JwtTokenVerifier(options().setAllowedAlgorithms(EnumSet.of(SignatureAlgorithm.ES256)),
        new FixedKeys(keysOf(ec)), listener, clock);
    String[] parts = ec.sign("ES256", claims().put("permissions", new JsonArray().add("admin"))).split("\\.");

    Throwable failure = Await.failure(verifier.verify(parts[0] + "." + parts[1] + "." + TestSigner.b64(new byte[64])));
    assertThat(((TokenRejectedException) failure).reason()).isEqualTo(BAD_SIGNATURE);
  }

  @Test
  void failsWithKeysNotLoadedBeforeAnyKeyArrived() throws Exception {
    JwtTokenVerifier verifier = new JwtTokenVerifier(options(), new FixedKeys(null), listener, clock);

    assertThat(verifier.ready()).isFalse();
    assertThat(Await.failure(verifier.verify(valid()))).isInstanceOf(KeysNotLoadedException.class);
    assertThat(listener.keysNotLoaded).hasValue(1);
    // A forged unsigned token is still a plain rejection, never an acceptance.
    Throwable forged = Await.failure(verifier.verify(unsigned(header("none"), claims(), "")));
    assertThat(((TokenRejectedException) forged).reason()).isEqualTo(BAD_ALGORITHM);
  }

  @Test
  void unknownKidAsksTheProviderOnceAndUsesTheNewKey() throws Exception {
    FixedKeys keys = new FixedKeys(keysOf(KEY));
    keys.afterRefresh = keysOf(KEY, OTHER_KID);
    JwtTokenVerifier verifier = new JwtTokenVerifier(options(), keys, listener, clock);

    assertThat(Await.result(verifier.verify(OTHER_KID.sign("RS256", claims()))).subject()).isEqualTo("user-1");
    assertThat(keys.refreshes).hasValue(1);
  }

  @Test
  void cacheServesASecondVerifyWithoutCrypto() throws Exception {
    JwtTokenVerifier verifier = verifier(options());
    String token = valid();

    VerifiedToken first = Await.result(verifier.verify(token));
    VerifiedToken second = Await.result(verifier.verify(token));

    assertThat(second).isEqualTo(first);
    assertThat(listener.signatureChecks).hasValue(1);
    assertThat(listener.cacheHits).hasValue(1);
  }

  @Test
  void cacheNeverServesAnExpiredToken() throws Exception {
    JwtTokenVerifier verifier = verifier(options().setClockSkew(Duration.ZERO));
    String token = withClaims(c -> c.put("exp", NOW.getEpochSecond() + 60));
    Await.result(verifier.verify(token));

    clock.advance(Duration.ofSeconds(60));

    Throwable failure = Await.failure(verifier.verify(token));
    assertThat(((TokenRejectedException) failure).reason()).isEqualTo(EXPIRED);
    assertThat(listener.cacheHits).hasValue(0);
  }

  @Test
  void cacheDropsTokensWhoseKeyLeftTheKeySet() throws Exception {
    FixedKeys keys = new FixedKeys(keysOf(KEY, OTHER_KID));
    JwtTokenVerifier verifier = new JwtTokenVerifier(options(), keys, listener, clock);
    String token = OTHER_KID.sign("RS256", claims());
    Await.result(verifier.verify(token));

    keys.keys = keysOf(KEY);

    assertThat(((TokenRejectedException) Await.failure(verifier.verify(token))).reason()).isEqualTo(UNKNOWN_KEY);
    assertThat(listener.cacheHits).hasValue(0);
  }

  @Test
  void failuresAreNotCached() throws Exception {
    JwtTokenVerifier verifier = verifier(options());
    String forged = ATTACKER.sign("RS256", claims());
    Await.failure(verifier.verify(forged));
    Await.failure(verifier.verify(forged));
    assertThat(listener.signatureChecks).hasValue(2);
    assertThat(verifier.cachedTokens()).isZero();
  }

  @Test
  void cacheStaysBounded() throws Exception {
    JwtTokenVerifier verifier = verifier(options().setCacheSize(4));
    for (int i = 0; i < 20; i++) {
      int n = i;
      Await.result(verifier.verify(withClaims(c -> c.put("sub", "user-" + n))));
      assertThat(verifier.cachedTokens()).isLessThanOrEqualTo(4);
    }
  }

  @Test
  void cacheCanBeTurnedOff() throws Exception {
    JwtTokenVerifier verifier = verifier(options().setCacheSize(0));
    String token = valid();
    Await.result(verifier.verify(token));
    Await.result(verifier.verify(token));
    assertThat(listener.signatureChecks).hasValue(2);
  }

  @Test
  void hostileTableCoversEveryReasonButTheOnesTestedElsewhere() {
    Set<Reason> covered = EnumSet.noneOf(Reason.class);
    hostile().forEach(arguments -> covered.add((Reason) arguments.get()[2]));
    assertThat(EnumSet.complementOf(EnumSet.copyOf(covered)))
        // The API-token reasons come from the API-token resolver, never from this verifier (ApiTokenResolverTest).
        .containsExactlyInAnyOrder(WRONG_AUDIENCE, WRONG_AUTHORIZED_PARTY, Reason.API_TOKEN_MALFORMED,
            Reason.API_TOKEN_REFUSED);
  }

  @Test
  void optionsAreCopiedSoLaterEditsDoNotLeakIn() throws Exception {
    TokenVerifierOptions options = options();
    JwtTokenVerifier verifier = verifier(options);
    options.setIssuer("https://evil.test");
    assertThat(Await.result(verifier.verify(valid())).subject()).isEqualTo("user-1");
    assertThat(List.of(verifier.ready())).containsExactly(true);
  }
}
