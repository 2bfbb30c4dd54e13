package dev.gatehouse.gateway.revocation;

import static dev.gatehouse.gateway.policy.PostgresFixture.await;
import static dev.gatehouse.gateway.policy.PostgresFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.policy.ActivityStore;
import dev.gatehouse.gateway.policy.PostgresFixture;
import dev.gatehouse.gateway.policy.SchemaMigrations;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.Revocations;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real gateway in front of the demo upstream's WebSocket echo, following a real PostgreSQL: a tunnelled WebSocket
 * is closed by the gateway, with 1008 and a reason the client can act on, when the token it was opened with expires
 * or is revoked, and only that one.
 */
class LiveWebSocketRevocationTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static PostgresFixture fixture;

  private Pool pool;
  private RevocationGuard guard;
  private RevocationWatcher watcher;
  private GatewayHarness gateway;
  private final long issuedAt = System.currentTimeMillis() / 1000 - 10;

  @BeforeAll
  static void startPostgres() throws Exception {
    fixture = new PostgresFixture();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
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
    gateway = GatewayHarness.withRevocations(guard);
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
  void aWebSocketIsClosedWhenItsTokenExpires() throws Exception {
    long expiresAt = System.currentTimeMillis() / 1000 + 2;
    gateway.verifier.accept("short", token("sub-short", "sid-short", expiresAt));
    Client client = Client.open(gateway, "short");
    assertThat(client.echo("before expiry")).isEqualTo("before expiry");

    Client.Closed closed = client.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(closed.code()).isEqualTo(1008);
    assertThat(closed.reason()).isEqualTo("token expired, reconnect with a new token");
    assertThat(System.currentTimeMillis()).as("not before exp").isGreaterThanOrEqualTo(expiresAt * 1000);
    assertThat(eventually(() -> guard.connections().size() == 0, WAIT)).as("forgotten once closed").isTrue();
  }

  @Test
  void aWebSocketIsClosedWhenItsSessionEndsAndAnotherOneStaysOpen() throws Exception {
    Client alice = Client.open(gateway, "alice");
    Client bob = Client.open(gateway, "bob");
    assertThat(alice.echo("hello")).isEqualTo("hello");
    assertThat(bob.echo("hello")).isEqualTo("hello");

    await(Revocations.revoke(pool, "session", "sid-alice", "logout"));
    Client.Closed closed = alice.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(closed.code()).isEqualTo(1008);
    assertThat(closed.reason()).startsWith("session ended").isEqualTo("session ended, sign in again");
    assertThat(bob.echo("still here")).as("another session's WebSocket").isEqualTo("still here");
    assertThat(bob.closed).isNotDone();
  }

  @Test
  void aWebSocketWhoseTokenIsAlreadyRevokedIsRefusedAtTheUpgrade() throws Exception {
    await(Revocations.revoke(pool, "session", "sid-alice", "logout"));
    assertThat(Revocations.awaitStatus(() -> gateway.get("/api/v1/roles", "alice"), 401, WAIT).statusCode())
        .isEqualTo(401);
    CompletableFuture<WebSocket> opening = gateway.http.newWebSocketBuilder()
        .header("Authorization", "Bearer alice")
        .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port + "/api/v1/ws"), new WebSocket.Listener() { });
    assertThat(opening).failsWithin(WAIT);
  }

  /** A WebSocket client through the gateway to the demo echo, recording replies and the close it receives. */
  private static final class Client implements WebSocket.Listener {
    record Closed(int code, String reason) {}

    final LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    WebSocket socket;

    static Client open(GatewayHarness gateway, String bearer) throws Exception {
      Client client = new Client();
      client.socket = gateway.http.newWebSocketBuilder()
          .header("Authorization", "Bearer " + bearer)
          .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port + "/api/v1/ws"), client)
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      return client;
    }

    String echo(String message) throws Exception {
      socket.sendText(message, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      return replies.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        replies.add(text.toString());
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(new Closed(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.completeExceptionally(error);
    }
  }
}
