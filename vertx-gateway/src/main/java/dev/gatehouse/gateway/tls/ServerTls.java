package dev.gatehouse.gateway.tls;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.ServerSSLOptions;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server's TLS: the options it listens with (explicit protocols and suites, HTTP/2 and HTTP/1.1 over ALPN) and
 * the certificate rotation. Every {@code reloadIntervalMillis} the PEM files are read off the event loop; when
 * they hold a different certificate that passes the same checks as at start, new handshakes get it through
 * {@link HttpServer#updateSSLOptions}. Open connections keep the session they have, so nothing is dropped. A
 * half-written or broken pair is logged and skipped: the current certificate stays until the files are good.
 */
public final class ServerTls {
  private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
  /** ALPN order: the client picks, but a server preferring HTTP/2 is what browsers expect. */
  private static final List<HttpVersion> ALPN = List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1);

  private final ServerTlsOptions options;
  private volatile ServerCertificate current;
  private long timer = -1;
  private boolean checking;
  private String lastProblem;

  private ServerTls(ServerTlsOptions options, ServerCertificate current) {
    this.options = options;
    this.current = current;
  }

  /** Reads and checks the certificate off the event loop; fails with a {@link CertificateProblem}. */
  public static Future<ServerTls> load(Vertx vertx, ServerTlsOptions options) {
    return vertx.executeBlocking(() -> new ServerTls(options, read(options)));
  }

  /**
   * Makes {@code server} an HTTPS server. HTTP/2 gets the same header budget as HTTP/1.1: without it Netty's
   * default (8 KiB) would refuse large tokens over HTTP/2 only.
   */
  public HttpServerOptions applyTo(HttpServerOptions server, int maxHeaderBytes) {
    server.setSsl(true)
        .setUseAlpn(true)
        .setAlpnVersions(ALPN)
        .setKeyCertOptions(current.keyCertOptions())
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(options.protocols()))
        .setInitialSettings(new Http2Settings().setMaxHeaderListSize(maxHeaderBytes));
    options.cipherSuites().forEach(server::addEnabledCipherSuite);
    return server;
  }

  /** Starts comparing the files with what {@code server} serves (no-op when reloading is off). */
  public void watch(Vertx vertx, HttpServer server) {
    if (options.reloadIntervalMillis() > 0) {
      timer = vertx.setPeriodic(options.reloadIntervalMillis(), id -> reloadIfChanged(vertx, server));
    }
  }

  public void stop(Vertx vertx) {
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
  }

  public ServerCertificate current() {
    return current;
  }

  private void reloadIfChanged(Vertx vertx, HttpServer server) {
    if (checking) {
      return;
    }
    checking = true;
    vertx.executeBlocking(() -> read(options))
        .compose(fresh -> fresh.sameAs(current) ? Future.succeededFuture() : swap(server, fresh))
        .onFailure(problem -> {
          String message = problem.getMessage();
          if (!message.equals(lastProblem)) {
            LOG.warn("Keeping the current TLS certificate {}: the files changed but cannot be used yet: {}",
                current.describe(), message);
            lastProblem = message;
          }
        })
        .onComplete(done -> checking = false);
  }

  private Future<Void> swap(HttpServer server, ServerCertificate fresh) {
    return server.updateSSLOptions(sslOptions(fresh)).map(updated -> {
      current = fresh;
      lastProblem = null;
      LOG.info("TLS certificate reloaded: new handshakes get {}", fresh.describe());
      return null;
    });
  }

  private ServerSSLOptions sslOptions(ServerCertificate certificate) {
    ServerSSLOptions ssl = new ServerSSLOptions()
        .setKeyCertOptions(certificate.keyCertOptions())
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(options.protocols()))
        .setUseAlpn(true)
        .setApplicationLayerProtocols(ALPN.stream().map(HttpVersion::alpnName).toList());
    options.cipherSuites().forEach(ssl::addEnabledCipherSuite);
    return ssl;
  }

  private static ServerCertificate read(ServerTlsOptions options) {
    return ServerCertificate.read(options.certFile(), options.keyFile(), options.chainFile(), Instant.now());
  }
}
