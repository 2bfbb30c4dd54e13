package dev.gatehouse.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay in front of one server (PostgreSQL here) that a test can cut: a network partition between a
 * gateway and its database while the test, Keycloak and other clients still reach the database directly. While
 * {@link #refuseNew refusing}, new connections are accepted and closed at once (a connect that fails); {@link #cut}
 * also closes every relayed connection.
 */
public final class CuttableTcpRelay implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  /** The relay's connections to the target (a subset of {@link #open}). */
  private final Set<Socket> toTarget = ConcurrentHashMap.newKeySet();
  private volatile boolean refusing;
  private volatile boolean closed;

  private CuttableTcpRelay(ServerSocket server, int targetPort) {
    this.server = server;
    this.targetPort = targetPort;
  }

  /** Relays 127.0.0.1:{@link #port()} to 127.0.0.1:{@code targetPort}. */
  public static CuttableTcpRelay to(int targetPort) {
    try {
      ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
      CuttableTcpRelay relay = new CuttableTcpRelay(server, targetPort);
      Thread acceptor = new Thread(relay::acceptLoop, "tcp-relay-accept-" + server.getLocalPort());
      acceptor.setDaemon(true);
      acceptor.start();
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open a relay port on 127.0.0.1", e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** The local ports of the relay's own connections to the target: the target sees its clients coming from these. */
  public Set<Integer> targetSidePorts() {
    Set<Integer> ports = new java.util.HashSet<>();
    for (Socket socket : toTarget) {
      ports.add(socket.getLocalPort());
    }
    return ports;
  }

  /** New connections fail (accepted and closed) while {@code refuse}; the ones already relayed keep working. */
  public void refuseNew(boolean refuse) {
    refusing = refuse;
  }

  /** Refuses new connections and closes every relayed one: the far side is unreachable until {@link #restore()}. */
  public void cut() {
    refusing = true;
    for (Socket socket : open) {
      closeQuietly(socket);
    }
  }

  /** Relays new connections again. */
  public void restore() {
    refusing = false;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (refusing) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
        open.add(client);
        open.add(upstream);
        toTarget.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException e) {
        // One side closed or was cut: close both below.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "tcp-relay-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    toTarget.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    cut();
  }
}
