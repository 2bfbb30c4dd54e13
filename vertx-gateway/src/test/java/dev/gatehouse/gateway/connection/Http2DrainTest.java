package dev.gatehouse.gateway.connection;

import static dev.gatehouse.gateway.testing.GatewayHarness.GOOD;
import static dev.gatehouse.gateway.testing.GatewayHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.http.RequestTarget;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.ScriptedUpstream;
import dev.gatehouse.gateway.testing.TestCertificates;
import dev.gatehouse.gateway.testing.TestCertificates.Issued;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.GoAway;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drain and the idle timeout for HTTP/2 clients (TLS with ALPN): a drain sends GOAWAY, lets the streams already
 * open finish, serves no new stream and then closes the connection; an HTTP/2 connection without streams is closed
 * after {@code listen.idleTimeoutSeconds} like an HTTP/1.1 one.
 */
class Http2DrainTest {
  private static final int NO_ERROR = 0;

  @TempDir
  Path dir;
  private ScriptedUpstream upstream;
  private GatewayHarness gateway;
  private HttpClientAgent h2;

  record Reply(int status, HttpVersion version, String body) {}

  private void start(Consumer<JsonObject> listen) throws Exception {
    Issued ca = TestCertificates.ca("H2 Drain Test CA");
    Path[] files = TestCertificates.server(ca).write(dir, "server");
    upstream = new ScriptedUpstream();
    gateway = new GatewayHarness(null, null, json -> {
      json.put("tls", new JsonObject().put("certFile", files[0].toString()).put("keyFile", files[1].toString()));
      json.getJsonArray("routes").add(new JsonObject().put("prefix", "/held").put("upstream", upstream.baseUrl()));
      listen.accept(json.getJsonObject("listen"));
    }, 1);
    gateway.policy.allow("GET", "/held/.*", "use-everything");
    h2 = gateway.vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setSsl(true).setUseAlpn(true).setTrustOptions(new PemTrustOptions()
            .addCertValue(Buffer.buffer(TestCertificates.pem(ca.certificate())))));
  }

  @AfterEach
  void stop() throws Exception {
    if (upstream != null) {
      upstream.releaseHeld();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void aDrainSendsGoAwayFinishesTheOpenStreamRefusesNewOnesAndCloses() throws Exception {
    start(listen -> { });
    HttpClientConnection connection = await(connect());
    Promise<GoAway> goAway = Promise.promise();
    Promise<Void> closed = Promise.promise();
    connection.goAwayHandler(goAway::tryComplete);
    connection.closeHandler(v -> closed.tryComplete());
    AtomicInteger inFlightStream = new AtomicInteger(-1);
    Future<Reply> inFlight = get(connection, "/held/first", inFlightStream);
    ScriptedUpstream.poll("the request reached the upstream", () -> upstream.received().contains("/held/first"));

    Future<Void> stopped = gateway.stopGateway();
    GoAway received = await(goAway.future());

    assertThat(received.getErrorCode()).as("a graceful GOAWAY, not an error").isEqualTo(NO_ERROR);
    assertThat(received.getLastStreamId()).as("the open stream is still processed")
        .isGreaterThanOrEqualTo(inFlightStream.get());
    Future<Reply> afterGoAway = get(connection, "/held/second", new AtomicInteger());
    upstream.releaseHeld();

    Reply reply = await(inFlight);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(new JsonObject(reply.body()).getString("held")).isEqualTo("/held/first");
    Boolean refused = await(afterGoAway.transform(done -> Future.succeededFuture(done.failed())));
    assertThat(refused).as("a stream opened after GOAWAY is refused").isTrue();
    await(closed.future());
    await(stopped);
    assertThat(upstream.received()).containsExactly("/held/first");
  }

  @Test
  void anHttp2ConnectionWithoutStreamsIsClosedAfterTheIdleTimeout() throws Exception {
    start(listen -> listen.put("idleTimeoutSeconds", 1));
    HttpClientConnection connection = await(connect());
    Promise<Void> closed = Promise.promise();
    connection.closeHandler(v -> closed.tryComplete());
    assertThat(await(get(connection, "/api/v1/roles", new AtomicInteger())).status()).isEqualTo(200);

    // The harness waits up to 20 s, far above the configured second: without an idle timeout this fails.
    await(closed.future());
  }

  @Test
  void anHttp2ConnectionWaitingOnTheUpstreamIsNotClosedAsIdle() throws Exception {
    start(listen -> listen.put("idleTimeoutSeconds", 1));
    HttpClientConnection connection = await(connect());
    Promise<GoAway> goAway = Promise.promise();
    connection.goAwayHandler(goAway::tryComplete);
    Future<Reply> waiting = get(connection, "/held/long", new AtomicInteger());
    ScriptedUpstream.poll("the request reached the upstream", () -> upstream.received().contains("/held/long"));

    // A second, idle connection shows that the idle timeout fired meanwhile (a condition, not a pause).
    HttpClientConnection idle = await(connect());
    Promise<Void> idleClosed = Promise.promise();
    idle.closeHandler(v -> idleClosed.tryComplete());
    await(idleClosed.future());
    upstream.releaseHeld();

    assertThat(await(waiting).status()).isEqualTo(200);
    assertThat(goAway.future().isComplete()).as("the busy connection got no GOAWAY").isFalse();
  }

  private Future<HttpClientConnection> connect() {
    return h2.connect(new HttpConnectOptions().setHost("127.0.0.1").setPort(gateway.port));
  }

  private static Future<Reply> get(HttpClientConnection connection, String path, AtomicInteger streamId) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(path)
        .putHeader("authorization", "Bearer " + GOOD);
    return connection.request(options).compose(request -> {
      Future<Reply> reply = request.send().compose(response -> response.body()
          .map(body -> new Reply(response.statusCode(), response.version(), body.toString())));
      streamId.set(request.streamId());
      return reply;
    });
  }
}
