package dev.gatehouse.gateway.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * One upstream route: requests whose normalised path is {@code prefix} or lies under it ({@code prefix + "/..."})
 * go to {@code upstream} (scheme, host and port only). {@code timeoutMillis} bounds how long the upstream may stay
 * silent (no response bytes) before the gateway answers 504. {@code caFile} is the PEM CA bundle an https
 * upstream's certificate must chain to (null: the JDK's public CAs).
 */
public record RouteConfig(String prefix, URI upstream, long timeoutMillis, Path caFile) {

  public RouteConfig(String prefix, URI upstream, long timeoutMillis) {
    this(prefix, upstream, timeoutMillis, null);
  }

  public boolean tls() {
    return "https".equals(upstream.getScheme());
  }

  public int upstreamPort() {
    return upstream.getPort() != -1 ? upstream.getPort() : tls() ? 443 : 80;
  }
}
