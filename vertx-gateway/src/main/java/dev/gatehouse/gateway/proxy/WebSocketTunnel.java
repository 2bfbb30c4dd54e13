package dev.gatehouse.gateway.proxy;

import dev.gatehouse.gateway.revocation.LiveConnections;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * An upgraded WebSocket connection relayed byte for byte between the client and the upstream, bound to the token
 * that authorised the upgrade. When that token expires or is revoked, the gateway stops relaying the client's bytes,
 * lets the upstream frame in flight finish, sends the client a close frame (1008 policy violation, with a reason
 * it can act on), and closes both sides. Bytes are relayed raw (extensions and subprotocols stay between client and
 * upstream); only the upstream-to-client frame headers are followed, to find a boundary for the close frame.
 */
final class WebSocketTunnel {
  /** How long an upstream frame in flight may take to finish before the connection is cut without a close frame. */
  static final long FRAME_FINISH_MILLIS = 2_000;

  private final Vertx vertx;
  private final NetSocket client;
  private final NetSocket upstream;
  private final WebSocketFrames upstreamFrames = new WebSocketFrames();
  private LiveConnections.Registration registration;
  /** Set when the gateway closes the tunnel: the close frame waits for the next upstream frame boundary. */
  private String closeReason;

  private WebSocketTunnel(Vertx vertx, NetSocket client, NetSocket upstream) {
    this.vertx = vertx;
    this.client = client;
    this.upstream = upstream;
  }

  /**
   * Takes over relaying between {@code client} and {@code upstream} (replacing the handlers the proxy installed);
   * call on the connection's event loop.
   */
  static void open(Vertx vertx, NetSocket client, NetSocket upstream, VerifiedToken token,
      LiveConnections connections) {
    WebSocketTunnel tunnel = new WebSocketTunnel(vertx, client, upstream);
    tunnel.relay();
    tunnel.registration = connections.register(token, tunnel::closeForPolicy);
  }

  private void relay() {
    client.handler(bytes -> {
      if (closeReason == null) {
        upstream.write(bytes);
        throttle(upstream, client);
      }
    });
    upstream.handler(this::fromUpstream);
    client.closeHandler(v -> ended(upstream));
    upstream.closeHandler(v -> ended(client));
  }

  /** Back-pressure: stop reading one side while the other cannot keep up. */
  private static void throttle(NetSocket writer, NetSocket reader) {
    if (writer.writeQueueFull()) {
      reader.pause();
      writer.drainHandler(v -> reader.resume());
    }
  }

  private void fromUpstream(Buffer bytes) {
    if (closeReason == null) {
      upstreamFrames.consume(bytes, 0, false);
      client.write(bytes);
      throttle(client, upstream);
      return;
    }
    int boundary = upstreamFrames.consume(bytes, 0, true);
    if (boundary > 0) {
      client.write(bytes.slice(0, boundary));
    }
    if (upstreamFrames.atBoundary()) {
      sendCloseFrame();
    }
  }

  private void ended(NetSocket other) {
    if (registration != null) {
      registration.unregister();
    }
    other.close();
  }

  /** The token expired or was revoked. */
  private void closeForPolicy(String reason) {
    if (closeReason != null) {
      return;
    }
    closeReason = reason;
    // The upstream's bytes may be mid-frame: keep reading them up to the boundary, but not forever.
    upstream.resume();
    if (upstreamFrames.atBoundary()) {
      sendCloseFrame();
    } else {
      vertx.setTimer(FRAME_FINISH_MILLIS, id -> {
        client.close();
        upstream.close();
      });
    }
  }

  private void sendCloseFrame() {
    upstream.handler(bytes -> { });
    if (!upstreamFrames.closeSeen()) {
      client.write(WebSocketFrames.closeFrame(WebSocketFrames.POLICY_VIOLATION, closeReason));
    }
    upstream.close();
    client.close();
  }
}
