package dev.gatehouse.gateway.apitoken;

import static dev.gatehouse.gateway.apitoken.ApiTokenFormatTest.randomToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.token.MutableClock;
import dev.gatehouse.gateway.token.TokenRejectedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiTokenResolverTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final Counting listener = new Counting();
  private final TestAccessTokens accessTokens = new TestAccessTokens();
  private Vertx vertx;
  private WebClient client;
  private StubTokenEndpoint keycloak;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    keycloak = new StubTokenEndpoint(vertx, () -> clock.instant().getEpochSecond());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private ApiTokenResolver resolver(ApiTokenOptions options) {
    return new ApiTokenResolver(client, options, accessTokens, listener, clock);
  }

  private ApiTokenResolver resolver() {
    return resolver(keycloak.options());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> future) throws Exception {
    try {
      await(future);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the resolution to fail");
  }

  @Test
  void malformedTokensAreRefusedWithoutAnyCall() throws Exception {
    ApiTokenResolver resolver = resolver();
    String good = randomToken();
    String badChecksum = good.substring(0, good.length() - 1) + (good.endsWith("0") ? "1" : "0");

    for (String token : List.of(badChecksum, "gatehouse_pat_short00000000", good + "x", good.toUpperCase())) {
      Throwable refused = failure(resolver.accessToken(token));
      assertThat(refused).isInstanceOfSatisfying(TokenRejectedException.class, e ->
          assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.API_TOKEN_MALFORMED));
    }
    assertThat(keycloak.calls).hasValue(0);
    assertThat(listener.malformed).hasValue(4);
  }

  @Test
  void aResolutionIsReusedSoManyRequestsMakeOneCall() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);
    ApiTokenResolver resolver = resolver();

    String first = await(resolver.accessToken(token));
    for (int i = 0; i < 100; i++) {
      assertThat(await(resolver.accessToken(token))).isEqualTo(first);
    }
    assertThat(first).startsWith("at.carol.");
    assertThat(keycloak.calls).hasValue(1);
    assertThat(listener.keycloakCalls).hasValue(1);
    assertThat(listener.cacheHits).hasValue(100);
  }

  @Test
  void concurrentRequestsForOneTokenShareOneCall() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);
    ApiTokenResolver resolver = resolver();
    keycloak.holdAnswers();

    List<Future<String>> waiting = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      waiting.add(resolver.accessToken(token));
    }
    awaitCondition(() -> keycloak.calls.get() >= 1);
    keycloak.release();

    for (Future<String> answer : waiting) {
      assertThat(await(answer)).startsWith("at.carol.");
    }
    assertThat(keycloak.calls).hasValue(1);
  }

  @Test
  void concurrentRequestsFromEveryEventLoopShareOneCall() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);
    ApiTokenResolver resolver = resolver();
    keycloak.holdAnswers();
    List<Future<String>> waiting = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger started = new AtomicInteger();
    for (int i = 0; i < 8; i++) {
      vertx.getOrCreateContext().runOnContext(v -> {
        for (int j = 0; j < 10; j++) {
          waiting.add(resolver.accessToken(token));
        }
        started.incrementAndGet();
      });
    }
    awaitCondition(() -> started.get() == 8 && keycloak.calls.get() >= 1);
    keycloak.release();

    for (Future<String> answer : List.copyOf(waiting)) {
      assertThat(await(answer)).startsWith("at.carol.");
    }
    assertThat(waiting).hasSize(80);
    assertThat(keycloak.calls).hasValue(1);
  }

  @Test
  void aRefusalIsRememberedForTenSecondsThenAskedAgain() throws Exception {
    String token = randomToken();
    ApiTokenResolver resolver = resolver();

    Throwable refused = failure(resolver.accessToken(token));
    assertThat(refused).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
      assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.API_TOKEN_REFUSED);
      assertThat(e.getMessage()).contains("API token revoked or unknown");
    });
    clock.advance(Duration.ofMillis(9_999));
    assertThat(failure(resolver.accessToken(token))).isSameAs(refused);
    assertThat(keycloak.calls).hasValue(1);

    keycloak.owner(token, "carol", 300);
    clock.advance(Duration.ofMillis(1));
    assertThat(await(resolver.accessToken(token))).startsWith("at.carol.");
    assertThat(keycloak.calls).hasValue(2);
  }

  @Test
  void aResolutionIsNeverServedFiftySecondsAfterItWasMade() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);
    ApiTokenResolver resolver = resolver();
    String first = await(resolver.accessToken(token));

    clock.advance(Duration.ofMillis(44_999));
    assertThat(await(resolver.accessToken(token))).isEqualTo(first);
    assertThat(keycloak.calls).hasValue(1);

    clock.advance(Duration.ofMillis(5_001));
    assertThat(await(resolver.accessToken(token))).isNotEqualTo(first);
    assertThat(keycloak.calls).hasValue(2);
  }

  @Test
  void aShortLivedAccessTokenIsNeverServedInItsLastTenSeconds() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 30);
    ApiTokenResolver resolver = resolver();
    String first = await(resolver.accessToken(token));

    clock.advance(Duration.ofMillis(15_999));
    assertThat(await(resolver.accessToken(token))).isEqualTo(first);
    assertThat(keycloak.calls).hasValue(1);
    clock.advance(Duration.ofMillis(4_001));
    assertThat(await(resolver.accessToken(token))).isNotEqualTo(first);
    assertThat(keycloak.calls).hasValue(2);
  }

  @Test
  void aTokenInUseIsRenewedInTheBackgroundInTheLastFiveSeconds() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);
    ApiTokenResolver resolver = resolver();
    String first = await(resolver.accessToken(token));

    clock.advance(Duration.ofSeconds(45));
    keycloak.holdAnswers();
    assertThat(await(resolver.accessToken(token))).as("answered from the cache, not waiting").isEqualTo(first);
    awaitCondition(() -> keycloak.calls.get() == 2);
    assertThat(await(resolver.accessToken(token))).as("still served while the renewal runs").isEqualTo(first);
    keycloak.release();
    awaitCondition(() -> !first.equals(resolver.accessToken(token).result()));

    clock.advance(Duration.ofSeconds(30));
    assertThat(await(resolver.accessToken(token))).isNotEqualTo(first);
    assertThat(keycloak.calls).as("one renewal, no stall").hasValue(2);
  }

  @Test
  void aRenewalThatFindsTheTokenRevokedEndsItAtOnce() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);
    ApiTokenResolver resolver = resolver();
    await(resolver.accessToken(token));
    keycloak.revoke(token);

    clock.advance(Duration.ofSeconds(46));
    await(resolver.accessToken(token));
    awaitCondition(() -> resolver.accessToken(token).failed());

    assertThat(failure(resolver.accessToken(token))).isInstanceOf(TokenRejectedException.class);
  }

  @Test
  void aRenewalDuringAnOutageLeavesTheResolutionToRunOut() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);
    ApiTokenResolver resolver = resolver();
    String first = await(resolver.accessToken(token));
    keycloak.mode(StubTokenEndpoint.Mode.SERVER_ERROR);

    clock.advance(Duration.ofSeconds(46));
    assertThat(await(resolver.accessToken(token))).isEqualTo(first);
    awaitCondition(() -> listener.resolutions.contains(ApiTokenListener.Resolution.UNAVAILABLE));
    assertThat(await(resolver.accessToken(token))).isEqualTo(first);

    clock.advance(Duration.ofSeconds(4));
    assertThat(failure(resolver.accessToken(token))).isInstanceOf(ApiTokenUnavailableException.class);
  }

  @Test
  void anAccessTokenWithLessThanTenSecondsLeftServesOnlyTheRequestThatAskedForIt() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 5);
    ApiTokenResolver resolver = resolver();

    await(resolver.accessToken(token));
    await(resolver.accessToken(token));
    assertThat(keycloak.calls).hasValue(2);
  }

  @Test
  void revocationTakesEffectWhenTheCachedResolutionRunsOut() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);
    ApiTokenResolver resolver = resolver(keycloak.options().setMaxCache(Duration.ofSeconds(3)));
    await(resolver.accessToken(token));

    keycloak.revoke(token);
    clock.advance(Duration.ofMillis(2_999));
    assertThat(await(resolver.accessToken(token))).startsWith("at.carol.");
    clock.advance(Duration.ofMillis(1));
    assertThat(failure(resolver.accessToken(token))).isInstanceOf(TokenRejectedException.class);
  }

  @Test
  void theDocumentedDefaultsBoundRevocationAtFiftySeconds() {
    ApiTokenOptions defaults = new ApiTokenOptions();

    assertThat(defaults.maxCache()).isEqualTo(Duration.ofSeconds(50));
    assertThat(ApiTokenOptions.MAX_CACHE_LIMIT).isEqualTo(Duration.ofSeconds(50));
    assertThat(ApiTokenOptions.EXPIRY_MARGIN).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.refusalCache()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.missesPerSecond()).isEqualTo(5);
    assertThat(defaults.missBurst()).isEqualTo(20);
  }

  @Test
  void aThousandRandomWellFormedTokensCostOnlyTheBurstInKeycloakCalls() throws Exception {
    ApiTokenResolver resolver = resolver();
    int rateLimited = 0;
    int refused = 0;
    for (int i = 0; i < 1_000; i++) {
      Throwable failure = failure(resolver.accessToken(randomToken()));
      if (failure instanceof ApiTokenRateLimitedException) {
        rateLimited++;
      } else if (failure instanceof TokenRejectedException) {
        refused++;
      }
    }

    assertThat(keycloak.calls).hasValue(20);
    assertThat(refused).isEqualTo(20);
    assertThat(rateLimited).isEqualTo(980);
    assertThat(listener.rateLimited).hasValue(980);

    clock.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 100; i++) {
      resolver.accessToken(randomToken()).otherwiseEmpty().toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    }
    assertThat(keycloak.calls).as("5 more per second").hasValue(25);
    assertThat(resolver.cachedTokens()).as("only Keycloak's answers are cached").isEqualTo(25);
  }

  @Test
  void aTokenThatResolvedBeforeIsNotHeldUpByAFloodOfUnknownOnes() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);
    ApiTokenResolver resolver = resolver();
    await(resolver.accessToken(token));
    for (int i = 0; i < 100; i++) {
      resolver.accessToken(randomToken()).otherwiseEmpty().toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    }
    assertThat(failure(resolver.accessToken(randomToken()))).isInstanceOf(ApiTokenRateLimitedException.class);

    clock.advance(Duration.ofSeconds(50));
    assertThat(await(resolver.accessToken(token))).startsWith("at.carol.");
  }

  @Test
  void keycloakFailingIsA503ThatFailsFastForOneSecondOnly() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);
    ApiTokenResolver resolver = resolver();
    keycloak.mode(StubTokenEndpoint.Mode.SERVER_ERROR);

    assertThat(failure(resolver.accessToken(token))).isInstanceOf(ApiTokenUnavailableException.class);
    assertThat(failure(resolver.accessToken(token))).isInstanceOf(ApiTokenUnavailableException.class);
    assertThat(failure(resolver.accessToken(randomToken()))).isInstanceOf(ApiTokenUnavailableException.class);
    assertThat(keycloak.calls).as("failing fast, not hammering").hasValue(1);

    keycloak.mode(StubTokenEndpoint.Mode.NORMAL);
    clock.advance(ApiTokenOptions.UNAVAILABLE_CACHE);
    assertThat(await(resolver.accessToken(token))).startsWith("at.carol.");
    assertThat(listener.resolutions).containsExactly(ApiTokenListener.Resolution.UNAVAILABLE,
        ApiTokenListener.Resolution.RESOLVED);
  }

  @Test
  void keycloakUnreachableIsA503() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    ApiTokenResolver resolver = resolver(keycloak.options()
        .setTokenEndpoint("http://127.0.0.1:" + closedPort + "/realms/test/protocol/openid-connect/token"));

    Throwable failure = failure(resolver.accessToken(randomToken()));

    assertThat(failure).isInstanceOf(ApiTokenUnavailableException.class);
    assertThat(failure.getMessage()).contains("try again shortly");
  }

  @Test
  void keycloakRefusingTheGatewaysClientIsA503NotTheCallersFault() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);
    ApiTokenResolver resolver = resolver(keycloak.options().setClientSecret("wrong"));

    assertThat(failure(resolver.accessToken(token))).isInstanceOf(ApiTokenUnavailableException.class);
  }

  @Test
  void anAccessTokenTheGatewayWouldNotAcceptIsARefusal() throws Exception {
    String token = randomToken();
    keycloak.owner(token, "carol", 300);
    accessTokens.rejectAll.set(true);
    ApiTokenResolver resolver = resolver();

    Throwable failure = failure(resolver.accessToken(token));
    assertThat(failure).isInstanceOfSatisfying(TokenRejectedException.class, e ->
        assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.WRONG_AUDIENCE));
    failure(resolver.accessToken(token));
    assertThat(keycloak.calls).as("remembered like a refusal").hasValue(1);
  }

  @Test
  void theCacheStaysWithinItsSize() throws Exception {
    ApiTokenResolver resolver = resolver(keycloak.options().setCacheSize(8).setMissBurst(1_000));
    for (int i = 0; i < 50; i++) {
      String token = randomToken();
      keycloak.owner(token, "user" + i, 300);
      await(resolver.accessToken(token));
    }

    assertThat(resolver.cachedTokens()).isLessThanOrEqualTo(8);
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(5);
    }
  }

  static final class Counting implements ApiTokenListener {
    final AtomicInteger cacheHits = new AtomicInteger();
    final AtomicInteger keycloakCalls = new AtomicInteger();
    final AtomicInteger malformed = new AtomicInteger();
    final AtomicInteger rateLimited = new AtomicInteger();
    final List<Resolution> resolutions = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void cacheHit() {
      cacheHits.incrementAndGet();
    }

    @Override
    public void keycloakCall() {
      keycloakCalls.incrementAndGet();
    }

    @Override
    public void resolution(Resolution outcome) {
      resolutions.add(outcome);
    }

    @Override
    public void malformed() {
      malformed.incrementAndGet();
    }

    @Override
    public void rateLimited() {
      rateLimited.incrementAndGet();
    }
  }
}
