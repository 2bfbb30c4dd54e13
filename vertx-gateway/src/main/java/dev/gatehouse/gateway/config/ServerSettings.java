package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.connection.ClientConnectionLimits;
import dev.gatehouse.gateway.login.LoginOptions;
import dev.gatehouse.gateway.tls.ServerTlsOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The serving side, what each server instance receives: where it listens ({@code listen.*}), how large a request
 * head may be, TLS, client-connection timeouts, the paths served without a credential ({@code publicRoutes}), how long
 * a drain may take ({@code shutdownTimeoutMillis}), and whether Vert.x records per-request HTTP metrics
 * ({@code metrics.vertxHttp}).
 */
public record ServerSettings(
    String host,
    int port,
    int maxHeaderBytes,
    ServerTlsOptions tls,
    ClientConnectionLimits connectionLimits,
    Set<String> publicRoutes,
    long shutdownTimeoutMillis,
    boolean vertxHttpMetrics) {

  public static final List<String> DEFAULT_PUBLIC_ROUTES = List.of("/health/live", "/health/ready", "/metrics");

  public ServerSettings {
    publicRoutes = Set.copyOf(publicRoutes);
  }

  /** {@code login} (null when off) decides whether plain HTTP may serve it; see {@link TlsSettings}. */
  static ServerSettings read(SettingsReader in, LoginOptions login) {
    String host = in.string("listen.host", "127.0.0.1", false);
    int port = (int) in.number("listen.port", 8000, 0, 65535); // 0: any free port (tests)
    int maxHeaderBytes = (int) in.number("listen.maxHeaderBytes", 16 * 1024, 8 * 1024, 1024 * 1024);
    ClientConnectionLimits connectionLimits = ConnectionSettings.read(in);
    Set<String> publicRoutes = new HashSet<>();
    for (String path : in.strings("publicRoutes", DEFAULT_PUBLIC_ROUTES)) {
      if (!path.startsWith("/") || path.contains("?") || path.contains("#") || path.contains("%")) {
        in.problem("publicRoutes", path, "an exact path starting with '/' (no query, fragment or escapes)");
      }
      publicRoutes.add(path);
    }
    long shutdownTimeout = in.number("shutdownTimeoutMillis", 20_000, 0, 600_000);
    ServerTlsOptions tls = TlsSettings.read(in, host, login);
    return new ServerSettings(host, port, maxHeaderBytes, tls, connectionLimits, publicRoutes, shutdownTimeout,
        in.flag("metrics.vertxHttp", false));
  }
}
