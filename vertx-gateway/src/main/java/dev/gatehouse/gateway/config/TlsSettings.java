package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.forwarded.Cidr;
import dev.gatehouse.gateway.forwarded.TrustedProxies;
import dev.gatehouse.gateway.login.LoginOptions;
import dev.gatehouse.gateway.tls.CertificateProblem;
import dev.gatehouse.gateway.tls.ServerCertificate;
import dev.gatehouse.gateway.tls.ServerTlsOptions;
import dev.gatehouse.gateway.tls.TlsMode;
import dev.gatehouse.gateway.tls.UpstreamTls;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;

/**
 * Reads the {@code tls} and {@code trustedProxies} sections. Fail closed: plain HTTP must be chosen explicitly
 * ({@code tls.mode}) whenever traffic can leave the machine or the login sets {@code Secure} cookies; only a
 * loopback listener without such cookies defaults to plain HTTP.
 */
final class TlsSettings {
  /** Environment variable → the key it overrides (applied with the other overrides). */
  static final Map<String, String> ENV_KEYS = Map.of(
      "GATEHOUSE_TLS_MODE", "tls.mode",
      "GATEHOUSE_TLS_CERT_FILE", "tls.certFile",
      "GATEHOUSE_TLS_KEY_FILE", "tls.keyFile",
      "GATEHOUSE_TLS_CHAIN_FILE", "tls.chainFile",
      "GATEHOUSE_TRUSTED_PROXIES", "trustedProxies.cidrs",
      "GATEHOUSE_UPSTREAM_CA_FILE", "upstream.caFile");

  static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
  private static final String MODES = "\"terminate\" (the gateway serves HTTPS from tls.certFile/tls.keyFile), "
      + "\"terminated-by-proxy\" (a proxy in front terminates TLS) or \"plain\" (local runs)";

  private TlsSettings() {}

  static ServerTlsOptions read(SettingsReader in, String listenHost, LoginOptions login) {
    String certFile = in.string("tls.certFile", null, false);
    String keyFile = in.string("tls.keyFile", null, false);
    String chainFile = in.string("tls.chainFile", null, false);
    String modeName = in.string("tls.mode", certFile != null ? TlsMode.TERMINATE.configName() : null, false);
    TlsMode mode = modeName == null ? null : TlsMode.fromConfigName(modeName);
    if (modeName != null && mode == null) {
      in.problem("tls.mode", modeName, MODES);
      return ServerTlsOptions.PLAIN_LOOPBACK;
    }
    boolean secureCookies = login != null && !login.allowInsecureHttp();
    if (mode == null) {
      if (secureCookies) {
        in.problem("tls.mode", null, MODES + ": the login sets Secure cookies, so say how HTTPS reaches the "
            + "browser (or set login.allowInsecureHttp for a local run)");
      } else if (!loopback(listenHost)) {
        in.problem("tls.mode", null, MODES + ": listen.host " + listenHost + " is reachable from other machines, "
            + "and plain HTTP there must be a choice, not a default");
      }
      return ServerTlsOptions.PLAIN_LOOPBACK;
    }
    if (mode != TlsMode.TERMINATE) {
      for (String key : List.of("tls.certFile", "tls.keyFile", "tls.chainFile")) {
        if (in.raw(key) != null) {
          in.problem(key, in.raw(key), "no certificate file with tls.mode " + mode.configName()
              + " (the gateway would serve plain HTTP); set tls.mode to \"terminate\" or remove it");
        }
      }
      if (mode == TlsMode.PLAIN && secureCookies) {
        in.problem("tls.mode", modeName, "\"terminate\" or \"terminated-by-proxy\": browsers drop the login's "
            + "Secure cookies over plain HTTP (set login.allowInsecureHttp for a local run)");
      }
    }
    List<String> protocols = in.strings("tls.protocols", ServerTlsOptions.DEFAULT_PROTOCOLS);
    for (String protocol : protocols) {
      if (!ALLOWED_PROTOCOLS.contains(protocol)) {
        in.problem("tls.protocols", protocol, "TLSv1.3 and/or TLSv1.2 (older versions are broken)");
      }
    }
    if (protocols.isEmpty()) {
      in.problem("tls.protocols", "[]", "at least one of TLSv1.3, TLSv1.2");
    }
    List<String> suites = in.strings("tls.cipherSuites", ServerTlsOptions.DEFAULT_CIPHER_SUITES);
    Set<String> supported = supportedCipherSuites();
    for (String suite : suites) {
      if (!supported.contains(suite)) {
        in.problem("tls.cipherSuites", suite, "a cipher suite this JDK supports, in JDK names such as "
            + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
      }
    }
    long reloadSeconds = in.number("tls.reloadIntervalSeconds", 30, 0, 86_400);
    String hsts = hsts(in);

    if (mode != TlsMode.TERMINATE) {
      return new ServerTlsOptions(mode, null, null, null, protocols, suites, 0, hsts);
    }
    if (certFile == null || keyFile == null) {
      in.problem(certFile == null ? "tls.certFile" : "tls.keyFile", null,
          "the PEM file path with tls.mode terminate (tls.certFile and tls.keyFile, e.g. a Kubernetes TLS secret's "
              + "tls.crt and tls.key)");
      return new ServerTlsOptions(mode, null, null, null, protocols, suites, 0, hsts);
    }
    Path cert = Path.of(certFile);
    Path key = Path.of(keyFile);
    Path chain = chainFile == null ? null : Path.of(chainFile);
    try {
      ServerCertificate.read(cert, key, chain, Instant.now());
    } catch (CertificateProblem problem) {
      in.problems().add(problem.getMessage());
    }
    return new ServerTlsOptions(mode, cert, key, chain, protocols, suites, reloadSeconds * 1_000, hsts);
  }

  /** {@code max-age} one year by default: long enough to matter, short enough to undo a mistake within a year. */
  private static String hsts(SettingsReader in) {
    long maxAge = in.number("tls.hsts.maxAgeSeconds", 31_536_000, 0, 2 * 31_536_000L);
    boolean subDomains = in.flag("tls.hsts.includeSubDomains", false);
    boolean preload = in.flag("tls.hsts.preload", false);
    if (preload && (!subDomains || maxAge < 31_536_000)) {
      in.problem("tls.hsts.preload", true, "false unless tls.hsts.includeSubDomains is true and "
          + "tls.hsts.maxAgeSeconds is at least 31536000 (the preload list's requirements)");
    }
    if (maxAge == 0) {
      return null;
    }
    return "max-age=" + maxAge + (subDomains ? "; includeSubDomains" : "") + (preload ? "; preload" : "");
  }

  static TrustedProxies trustedProxies(SettingsReader in) {
    List<Cidr> cidrs = new ArrayList<>();
    List<String> texts = in.strings("trustedProxies.cidrs", List.of());
    for (int i = 0; i < texts.size(); i++) {
      try {
        Cidr cidr = Cidr.parse(texts.get(i));
        if (cidr.prefixLength() == 0) {
          in.problem("trustedProxies.cidrs[" + i + "]", texts.get(i), "a block narrower than /0: trusting every "
              + "address lets any client choose the address the upstreams, logs and limits see");
        } else {
          cidrs.add(cidr);
        }
      } catch (IllegalArgumentException e) {
        in.problem("trustedProxies.cidrs[" + i + "]", texts.get(i),
            "an address block such as \"10.0.0.0/8\" or \"fd00::/8\" (" + e.getMessage() + ")");
      }
    }
    String headerName = in.string("trustedProxies.header", TrustedProxies.Header.X_FORWARDED_FOR.headerName(), false);
    TrustedProxies.Header header = TrustedProxies.Header.fromName(headerName);
    if (header == null) {
      in.problem("trustedProxies.header", headerName, "\"X-Forwarded-For\" or \"Forwarded\": the one header your "
          + "proxies set (the other is ignored)");
      header = TrustedProxies.Header.X_FORWARDED_FOR;
    }
    return cidrs.isEmpty() ? TrustedProxies.NONE : new TrustedProxies(cidrs, header);
  }

  /** The CA bundle an https route trusts: its own, else {@code upstream.caFile}, else null (the JDK's CAs). */
  static Path upstreamCaFile(SettingsReader in, String key, String routeCaFile, String globalCaFile) {
    String file = routeCaFile != null ? routeCaFile : globalCaFile;
    if (file == null) {
      return null;
    }
    try {
      UpstreamTls.checkCaFile(Path.of(file));
    } catch (CertificateProblem problem) {
      in.problem(routeCaFile != null ? key : "upstream.caFile", file, "a readable PEM CA bundle: " + problem.getMessage());
    }
    return Path.of(file);
  }

  private static boolean loopback(String host) {
    if (host == null || host.equals("localhost")) {
      return true;
    }
    byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
    try {
      return address != null && InetAddress.getByAddress(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static Set<String> supportedCipherSuites() {
    try {
      return new TreeSet<>(Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites()));
    } catch (Exception e) {
      return Set.of();
    }
  }
}
