package dev.gatehouse.gateway.tls;

import java.nio.file.Path;
import java.util.List;

/**
 * The gateway's own TLS, as configured. With {@link TlsMode#TERMINATE} the files are set and were checked at load;
 * in the other modes they are null and the gateway listens in plain HTTP.
 *
 * @param reloadIntervalMillis how often the files are compared with what is served (0: never)
 * @param hstsHeader           the {@code Strict-Transport-Security} value sent on HTTPS responses, or null for none
 */
public record ServerTlsOptions(
    TlsMode mode,
    Path certFile,
    Path keyFile,
    Path chainFile,
    List<String> protocols,
    List<String> cipherSuites,
    long reloadIntervalMillis,
    String hstsHeader) {

  /** TLS 1.3 first; 1.2 stays for older clients and load balancers. Nothing older: SSLv3, TLS 1.0, 1.1 are broken. */
  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /**
   * AEAD suites only, with forward secrecy (Mozilla's "intermediate" profile, ECDHE only), in JDK names. TLS 1.3
   * suites are listed because an explicit list replaces the JDK's defaults for both versions.
   */
  public static final List<String> DEFAULT_CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  /** Plain HTTP on loopback, the default for a config that says nothing about TLS. */
  public static final ServerTlsOptions PLAIN_LOOPBACK =
      new ServerTlsOptions(TlsMode.PLAIN, null, null, null, DEFAULT_PROTOCOLS, DEFAULT_CIPHER_SUITES, 0, null);

  public ServerTlsOptions {
    protocols = List.copyOf(protocols);
    cipherSuites = List.copyOf(cipherSuites);
  }

  public boolean terminates() {
    return mode == TlsMode.TERMINATE;
  }
}
