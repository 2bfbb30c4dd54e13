package dev.gatehouse.gateway.tls;

/** Who speaks TLS to the gateway's clients. */
public enum TlsMode {
  /** The gateway itself: HTTPS with HTTP/2 and HTTP/1.1 via ALPN, certificate reloaded from PEM files. */
  TERMINATE("terminate"),
  /** A proxy or load balancer in front terminates TLS; the gateway speaks plain HTTP to it. */
  TERMINATED_BY_PROXY("terminated-by-proxy"),
  /** Nobody: plain HTTP end to end, for a local run only. */
  PLAIN("plain");

  private final String configName;

  TlsMode(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  /** The mode called {@code name} in the config, or null. */
  public static TlsMode fromConfigName(String name) {
    for (TlsMode mode : values()) {
      if (mode.configName.equals(name)) {
        return mode;
      }
    }
    return null;
  }
}
