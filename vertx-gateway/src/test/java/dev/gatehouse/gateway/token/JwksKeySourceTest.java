package dev.gatehouse.gateway.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The key source against a real HTTP JWKS endpoint on loopback, wired to the real verifier. */
class JwksKeySourceTest {

  static final String ISSUER = "https://sso.example.test/realms/gatehouse";
  static final TestSigner CURRENT = TestSigner.rsa("current");
  static final TestSigner NEXT = TestSigner.rsa("next");

  private Vertx vertx;
  private JwksServer jwks;
  private JwksKeySource source;
  private final CountingListener listener = new CountingListener();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    jwks = new JwksServer(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (source != null) {
      source.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private TokenVerifierOptions options(String url) {
    return new TokenVerifierOptions().setIssuer(ISSUER).setJwksUrl(url)
        .setUnknownKidCooldown(Duration.ofHours(1))
        .setInitialRetryDelay(Duration.ofMillis(20)).setMaxRetryDelay(Duration.ofMillis(100));
  }

  private JwtTokenVerifier startVerifier(TokenVerifierOptions options) {
    source = new JwksKeySource(vertx, options).start();
    return new JwtTokenVerifier(options, source, listener);
  }

  static JsonObject claims() {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("iss", ISSUER).put("sub", "user-1").put("typ", "Bearer")
        .put("exp", now + 300).put("iat", now).put("permissions", new JsonArray().add("view-roles"));
  }

  static JsonObject forgedAdmin() {
    return claims().put("sub", "attacker").put("permissions", new JsonArray().add("admin"));
  }

  private static String unsigned(String alg, String kid, JsonObject claims) {
    JsonObject header = new JsonObject().put("alg", alg).put("kid", kid);
    return TestSigner.b64(header.encode().getBytes()) + "." + TestSigner.b64(claims.encode().getBytes()) + ".";
  }

  @Test
  void jwksWithOnlyUnsupportedKeysNeverYieldsAnAcceptingVerifier() throws Exception {
    JsonObject hmacKey = new JsonObject().put("kty", "oct").put("kid", "hs").put("alg", "HS256").put("use", "sig")
        .put("k", TestSigner.b64("secret-secret-secret-secret-1234".getBytes()));
    JsonObject encryptionKey = CURRENT.jwk("RSA-OAEP", "enc");
    JsonObject weakKey = TestSigner.rsa("weak", 1024).jwk();
    JsonObject ecKey = TestSigner.ec("ec").jwk();
    jwks.serve(hmacKey, encryptionKey, weakKey, ecKey).start(0);
    JwtTokenVerifier verifier = startVerifier(options(jwks.url()));

    Await.until("several fetches were tried", () -> source.status().fetches() >= 3);

    assertThat(verifier.ready()).isFalse();
    assertThat(source.status().keyCount()).isZero();
    assertThat(source.status().lastFailure()).contains("no usable signing key");
    List<String> forgeries = List.of(
        unsigned("none", "hs", forgedAdmin()),
        unsigned("RS256", "current", forgedAdmin()) + "AAAA",
        TestSigner.hmac(new JsonObject().put("alg", "HS256").put("kid", "hs"), forgedAdmin(),
            "secret-secret-secret-secret-1234".getBytes()),
        CURRENT.sign("RS256", forgedAdmin()));
    for (String forged : forgeries) {
      assertThat(Await.failure(verifier.verify(forged)))
          .isInstanceOfAny(TokenRejectedException.class, KeysNotLoadedException.class);
    }
    assertThat(listener.accepted).hasValue(0);
  }

  @Test
  void aJwksTurningUnusableNeverReplacesTheLoadedKeys() throws Exception {
    jwks.serve(CURRENT.jwk()).start(0);
    JwtTokenVerifier verifier = startVerifier(options(jwks.url()).setRefreshInterval(Duration.ofMillis(50)));
    Await.result(source.whenReady());

    jwks.serve(CURRENT.jwk("RSA-OAEP", "enc"), new JsonObject().put("kty", "oct").put("kid", "hs").put("k", "c2VjcmV0"));
    Await.until("the unusable JWKS was fetched twice", () -> source.status().consecutiveFailures() >= 2);

    assertThat(source.current().kids()).containsExactly("current");
    assertThat(Await.result(verifier.verify(CURRENT.sign("RS256", claims()))).subject()).isEqualTo("user-1");
    assertThat(Await.failure(verifier.verify(unsigned("none", "current", forgedAdmin()))))
        .isInstanceOf(TokenRejectedException.class);
  }

  @Test
  void unknownKidTriggersExactlyOneSharedRefetchWithinTheCooldown() throws Exception {
    jwks.serve(CURRENT.jwk()).start(0);
    JwtTokenVerifier verifier = startVerifier(options(jwks.url()));
    Await.result(source.whenReady());
    assertThat(jwks.hits()).isEqualTo(1);

    List<Future<VerifiedToken>> concurrent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      TestSigner stranger = i % 2 == 0 ? NEXT : TestSigner.rsa("random-" + i);
      concurrent.add(verifier.verify(stranger.sign("RS256", claims())));
    }
    for (Future<VerifiedToken> result : concurrent) {
      assertThat(((TokenRejectedException) Await.failure(result)).reason())
          .isEqualTo(TokenRejectedException.Reason.UNKNOWN_KEY);
    }
    assertThat(Await.failure(verifier.verify(NEXT.sign("RS256", claims())))).isInstanceOf(TokenRejectedException.class);

    assertThat(jwks.hits()).isEqualTo(2);
  }

  @Test
  void rotatedKeyVerifiesAfterTheSingleRefetch() throws Exception {
    jwks.serve(CURRENT.jwk()).start(0);
    JwtTokenVerifier verifier = startVerifier(options(jwks.url()));
    Await.result(source.whenReady());

    jwks.serve(CURRENT.jwk(), NEXT.jwk());
    VerifiedToken token = Await.result(verifier.verify(NEXT.sign("RS256", claims())));

    assertThat(token.subject()).isEqualTo("user-1");
    assertThat(jwks.hits()).isEqualTo(2);
    assertThat(source.status().keyCount()).isEqualTo(2);
    assertThat(Await.result(verifier.verify(CURRENT.sign("RS256", claims()))).subject()).isEqualTo("user-1");
    assertThat(jwks.hits()).isEqualTo(2);
  }

  @Test
  void cachedKeysKeepWorkingWhileTheJwksIsDown() throws Exception {
    jwks.serve(CURRENT.jwk()).start(0);
    JwtTokenVerifier verifier = startVerifier(options(jwks.url()).setRefreshInterval(Duration.ofMillis(50)));
    Await.result(source.whenReady());

    jwks.stop();
    Await.until("refreshes failed against the stopped JWKS", () -> source.status().consecutiveFailures() >= 2);

    assertThat(verifier.ready()).isTrue();
    assertThat(source.status().lastFailure()).isNotBlank();
    assertThat(Await.result(verifier.verify(CURRENT.sign("RS256", claims().put("sub", "fresh")))).subject())
        .isEqualTo("fresh");
  }

  @Test
  void jwksDownAtStartMeansNotReadyThenReadyOnceItIsUp() throws Exception {
    int port = freePort();
    JwtTokenVerifier verifier = startVerifier(options(JwksServer.url(port)));
    Await.until("a fetch failed", () -> source.status().consecutiveFailures() >= 1);

    assertThat(verifier.ready()).isFalse();
    assertThat(Await.failure(verifier.verify(CURRENT.sign("RS256", claims())))).isInstanceOf(KeysNotLoadedException.class);

    jwks.serve(CURRENT.jwk()).start(port);
    Await.result(source.whenReady());

    assertThat(verifier.ready()).isTrue();
    assertThat(source.status().consecutiveFailures()).isZero();
    assertThat(source.status().lastSuccess()).isNotNull();
    assertThat(Await.result(verifier.verify(CURRENT.sign("RS256", claims()))).subject()).isEqualTo("user-1");
  }

  @Test
  void nonJsonAndErrorAnswersLeaveTheSourceNotReady() throws Exception {
    jwks.serveRaw("<html>oops</html>").start(0);
    JwtTokenVerifier verifier = startVerifier(options(jwks.url()));
    Await.until("two fetches failed", () -> source.status().consecutiveFailures() >= 2);
    assertThat(verifier.ready()).isFalse();
    assertThat(source.status().lastFailure()).contains("JWKS");
  }

  @Test
  void verifyCompletesOnTheCallersEventLoop() throws Exception {
    jwks.serve(CURRENT.jwk()).start(0);
    JwtTokenVerifier verifier = startVerifier(options(jwks.url()));
    Await.result(source.whenReady());
    jwks.serve(CURRENT.jwk(), NEXT.jwk());
    String token = NEXT.sign("RS256", claims());

    io.vertx.core.Context context = vertx.getOrCreateContext();
    java.util.concurrent.CompletableFuture<Boolean> sameThread = new java.util.concurrent.CompletableFuture<>();
    context.runOnContext(v -> {
      Thread caller = Thread.currentThread();
      verifier.verify(token).onComplete(result -> sameThread.complete(result.succeeded() && Thread.currentThread() == caller));
    });
    assertThat(sameThread.get(10, TimeUnit.SECONDS)).isTrue();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
