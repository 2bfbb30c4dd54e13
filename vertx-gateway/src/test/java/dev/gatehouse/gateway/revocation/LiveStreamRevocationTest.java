package dev.gatehouse.gateway.revocation;

import static dev.gatehouse.gateway.policy.PostgresFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.PostgresFixture;
import dev.gatehouse.gateway.policy.SchemaMigrations;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.Revocations;
import dev.gatehouse.gateway.testing.ScriptedUpstream;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A plain HTTP response that streams longer than its token is no loophole either: it is cut when the token expires
 * or is revoked (the per-event-loop sweep), while other streams flow on. {@code /explain} refuses a revoked token too.
 */
class LiveStreamRevocationTest {
  private static PostgresFixture fixture;
  private static ScriptedUpstream upstream;

  private Pool pool;
  private RevocationGuard guard;
  private RevocationWatcher watcher;
  private GatewayHarness gateway;
  private final long issuedAt = System.currentTimeMillis() / 1000 - 10;

  @BeforeAll
  static void start() throws Exception {
    fixture = new PostgresFixture();
    upstream = new ScriptedUpstream();
  }

  @AfterAll
  static void stop() throws Exception {
    upstream.close();
    fixture.close();
  }

  @BeforeEach
  void startGateway() throws Exception {
    PgConnectOptions database = fixture.newDatabase();
    pool = ActivityStore.createPool(fixture.vertx, database, 2);
    await(SchemaMigrations.apply(pool));
    RevocationOptions options = new RevocationOptions(Duration.ofSeconds(1), Duration.ofSeconds(30),
        RevocationOptions.WhenStale.REFUSE, Duration.ofSeconds(60));
    guard = new RevocationGuard(options, Clock.systemUTC());
    watcher = new RevocationWatcher(fixture.vertx, database, new RevocationStore(pool), guard, Clock.systemUTC());
    gateway = GatewayHarness.withRevocations(guard, json -> json.getJsonArray("routes").add(new JsonObject()
        .put("prefix", "/drip").put("upstream", upstream.baseUrl()).put("timeoutMillis", 5000)));
    gateway.policy.allow("GET", "/drip/.*", "use-everything");
    gateway.verifier
        .accept("alice", token("sub-alice", "sid-alice", issuedAt + 300))
        .accept("bob", token("sub-bob", "sid-bob", issuedAt + 300));
    await(watcher.start());
  }

  @AfterEach
  void stopGateway() throws Exception {
    await(watcher.stop());
    gateway.close();
    await(pool.close());
  }

  private VerifiedToken token(String subject, String sessionId, long expiresAt) {
    return new VerifiedToken(subject, subject, subject + "@example.test", Set.of("use-everything"), Set.of("fellow"),
        "web-app", expiresAt, null, sessionId, issuedAt);
  }

  @Test
  void aStreamingResponseIsCutWhenItsTokenExpires() throws Exception {
    long expiresAt = System.currentTimeMillis() / 1000 + 2;
    gateway.verifier.accept("short", token("sub-short", "sid-short", expiresAt));
    try (InputStream stream = openStream("short")) {
      assertThat(readLine(stream)).isEqualTo("drip");

      assertThatThrownBy(() -> drain(stream)).as("cut, not ended: a truncated body must not look complete")
          .isInstanceOf(IOException.class);
      assertThat(System.currentTimeMillis()).as("not before exp").isGreaterThanOrEqualTo(expiresAt * 1000);
    }
  }

  @Test
  void aStreamingResponseIsCutWhenItsSessionEndsAndAnotherOneFlowsOn() throws Exception {
    try (InputStream alice = openStream("alice"); InputStream bob = openStream("bob")) {
      assertThat(readLine(alice)).isEqualTo("drip");
      assertThat(readLine(bob)).isEqualTo("drip");

      await(Revocations.revoke(pool, "session", "sid-alice", "logout"));

      assertThatThrownBy(() -> drain(alice)).isInstanceOf(IOException.class);
      for (int i = 0; i < 5; i++) {
        assertThat(readLine(bob)).as("another session's stream").isEqualTo("drip");
      }
    }
  }

  @Test
  void explainRefusesARevokedTokenLikeARequestWould() throws Exception {
    await(Revocations.revoke(pool, "session", "sid-alice", "logout"));
    Revocations.awaitStatus(() -> gateway.get("/api/v1/roles", "alice"), 401, Duration.ofSeconds(20));

    HttpResponse<String> explained = gateway.http.send(gateway.request("/gatehouse/admin/explain")
        .header("Authorization", "Bearer " + GatewayHarness.ADMIN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("method", "GET").put("path", "/drip/x")
            .put("token", "alice").encode())).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(explained.statusCode()).as(explained.body()).isEqualTo(200);
    JsonObject body = new JsonObject(explained.body());
    assertThat(body.getBoolean("allowed")).isFalse();
    assertThat(body.getString("reason")).contains("401").contains("session ended");
  }

  private InputStream openStream(String bearer) throws Exception {
    HttpResponse<InputStream> response = gateway.http.send(gateway.request("/drip/feed")
        .header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static String readLine(InputStream stream) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = stream.read()) != '\n'; ) {
      if (c < 0) {
        throw new IOException("the stream ended after \"" + line + "\"");
      }
      line.append((char) c);
    }
    return line.toString();
  }

  /** Reads until the stream ends; a stream that never ends would hold the test until the sweep cuts it. */
  private static void drain(InputStream stream) throws IOException {
    byte[] buffer = new byte[1024];
    while (stream.read(buffer) >= 0) {
      // keep reading
    }
    throw new AssertionError("the stream ended cleanly: " + new String(buffer, StandardCharsets.UTF_8));
  }
}
