package dev.gatehouse.gateway.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes token verification through its public entry point, wired as the gateway wires it: a {@link JwksKeySource}
 * reading a real JWKS endpoint and a {@link JwtTokenVerifier} (so it survives a change of JOSE library underneath).
 * Each input is either a raw token string or a header and payload the test signs with the published key (a signing
 * oracle: it lets the fuzzer reach the claim checks). Invariants:
 * <ul>
 *   <li>verify never throws, and its Future fails only with {@link TokenRejectedException} (anything else would be
 *       a 503 or a 500);</li>
 *   <li>an accepted token is really signed by the test key: checked here with plain {@link Signature} over the
 *       token's own first two segments;</li>
 *   <li>an accepted token obeys every documented rule when its parts are read independently and strictly: RS256 and
 *       the published kid, exactly one JSON object per part (UTF-8, no duplicate names), the issuer, {@code typ}
 *       Bearer, a numeric {@code exp} in the future, the audience, a subject; and the identity handed on is
 *       exactly the one in the payload.</li>
 * </ul>
 */
class TokenVerifierFuzzTest {
  private static final String ISSUER = "https://sso.example.test/realms/gatehouse";
  private static final String AUDIENCE = "gatehouse";
  private static final TestSigner KEY = TestSigner.rsa("fuzz-key");
  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final java.util.List<String> CLAIM_NAMES =
      java.util.List.of("iss", "sub", "typ", "aud", "exp", "nbf", "iat", "azp", "permissions", "roles", "crit", "alg");

  private static Vertx vertx;
  private static JwksKeySource keys;
  private static TokenVerifier verifier;
  private static String validToken;

  /**
   * Started on the first input, not in {@code @BeforeAll}: Jazzer installs its agent when the first input runs, and
   * re-instrumenting the classes Vert.x already loaded would cost close to a minute; loaded afterwards they are cheap.
   */
  private static synchronized void start() throws Exception {
    if (verifier != null) {
      return;
    }
    vertx = Vertx.vertx();
    JwksServer jwks = new JwksServer(vertx).serve(KEY.jwk());
    jwks.start(0);
    TokenVerifierOptions options = new TokenVerifierOptions().setIssuer(ISSUER).setJwksUrl(jwks.url())
        .setAudiences(Set.of(AUDIENCE));
    keys = new JwksKeySource(vertx, options).start();
    keys.whenReady().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    verifier = new JwtTokenVerifier(options, keys, TokenVerificationListener.NONE);
    validToken = KEY.sign("RS256", claims());
    assertThat(await(verifier.verify(validToken)).subject()).as("the fixture itself").isEqualTo("user-1");
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx == null) {
      return;
    }
    keys.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static JsonObject claims() {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("iss", ISSUER).put("sub", "user-1").put("typ", "Bearer").put("aud", AUDIENCE)
        .put("iat", now - 10).put("exp", now + 3600).put("permissions", new JsonArray().add("view-roles"));
  }

  @FuzzTest(maxDuration = "5s")
  @DictionaryEntries({"\"alg\":\"RS256\"", "\"alg\":\"none\"", "\"alg\":\"HS256\"", "\"kid\":\"fuzz-key\"",
      "\"typ\":\"Bearer\"", "\"iss\":\"https://sso.example.test/realms/gatehouse\"", "\"aud\":\"gatehouse\"",
      "\"exp\":4000000000", "\"exp\":\"4000000000\"", "\"sub\":\"", "\"crit\":[\"exp\"]", "\"jwk\":", "\"permissions\":[",
      "eyJhbGciOiJSUzI1NiJ9", ".", "=", "{}", "[]", "\\u0000"})
  void acceptsOnlyWhatTheTestKeySignedAndTheRulesAllow(FuzzedDataProvider data) throws Exception {
    start();
    String token;
    switch (data.consumeInt(0, 2)) {
      case 0 -> token = data.consumeRemainingAsString();
      case 1 -> {
        // A real token with one segment replaced: header, payload or signature.
        String[] parts = validToken.split("\\.");
        parts[data.consumeInt(0, 2)] = data.consumeRemainingAsString();
        token = String.join(".", parts);
      }
      default -> {
        // Signed by the key: header and claims start valid and the fuzzer rewrites members with raw JSON text, so
        // it reaches the claim checks instead of spending its time on syntax.
        String header = data.consumeBoolean() ? "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + KEY.kid + "\"}"
            : data.consumeString(120);
        JsonObject base = claims();
        StringBuilder payload = new StringBuilder("{");
        int edits = data.consumeInt(0, 4);
        java.util.Map<String, String> members = new java.util.LinkedHashMap<>();
        base.forEach(member -> members.put(member.getKey(), io.vertx.core.json.Json.encode(member.getValue())));
        for (int i = 0; i < edits; i++) {
          String name = data.pickValue(CLAIM_NAMES);
          String value = data.consumeString(60);
          if (data.consumeBoolean()) {
            members.put(name, value);
          } else {
            payload.append('"').append(name).append("\":").append(value).append(',');
          }
        }
        members.forEach((name, value) -> payload.append('"').append(name).append("\":").append(value).append(','));
        payload.setLength(payload.length() - 1);
        payload.append('}').append(data.consumeRemainingAsString());
        token = signed(header, payload.toString().getBytes(StandardCharsets.UTF_8));
      }
    }

    Future<VerifiedToken> verified = verifier.verify(token);
    VerifiedToken accepted;
    try {
      accepted = await(verified);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).as("why %s failed", token).isInstanceOf(TokenRejectedException.class);
      return;
    }
    assertAcceptable(token, accepted);
  }

  private static void assertAcceptable(String token, VerifiedToken accepted) throws Exception {
    String[] parts = token.split("\\.", -1);
    assertThat(parts).as("segments of accepted %s", token).hasSize(3);
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initVerify(KEY.keyPair.getPublic());
    rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(rsa.verify(Base64.getUrlDecoder().decode(parts[2]))).as("signed by the test key: %s", token).isTrue();

    JsonNode header = strictObject(parts[0]);
    assertThat(header.path("alg").asText()).isEqualTo("RS256");
    assertThat(header.path("kid").asText()).isEqualTo(KEY.kid);
    JsonNode claims = strictObject(parts[1]);
    long now = Instant.now().getEpochSecond();
    assertThat(claims.path("iss").isTextual() && claims.get("iss").asText().equals(ISSUER)).as("iss of %s", claims).isTrue();
    assertThat(claims.path("typ").asText(null)).isEqualTo("Bearer");
    assertThat(claims.path("exp").isNumber()).as("exp of %s", claims).isTrue();
    assertThat(claims.get("exp").asLong()).isGreaterThan(now - 60);
    JsonNode aud = claims.path("aud");
    assertThat(aud.isTextual() ? aud.asText().equals(AUDIENCE) : aud.isArray() && aud.toString().contains("\"" + AUDIENCE + "\""))
        .as("aud of %s", claims).isTrue();
    assertThat(accepted.subject()).isNotEmpty().isEqualTo(claims.path("sub").asText());
    Set<String> permissions = new TreeSet<>();
    claims.path("permissions").forEach(p -> permissions.add(p.asText()));
    assertThat(new TreeSet<>(accepted.permissions())).isEqualTo(permissions);
  }

  /** One JSON object, read from strict UTF-8 (no encoding guessing) with duplicate names refused. */
  private static JsonNode strictObject(String segment) throws Exception {
    byte[] bytes = Base64.getUrlDecoder().decode(segment);
    String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    JsonNode node = STRICT.readTree(text);
    assertThat(node).as("segment %s", segment).isNotNull();
    assertThat(node.isObject()).as("segment %s is an object", text).isTrue();
    return node;
  }

  private static String signed(String header, byte[] payload) throws Exception {
    String input = TestSigner.b64(header.getBytes(StandardCharsets.UTF_8)) + "." + TestSigner.b64(payload);
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(KEY.keyPair.getPrivate());
    rsa.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + TestSigner.b64(rsa.sign());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
