package dev.gatehouse.gateway.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * How the gateway checks an https upstream: its certificate must chain to the route's CA bundle (or, without one,
 * to the JDK's public CAs) and name the upstream's host (hostname verification is on, always).
 */
public final class UpstreamTls {
  private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private UpstreamTls() {}

  /** {@code caFile} null: the JDK's default trust store. Reads the file: call at start, not per request. */
  public static ClientSSLOptions clientOptions(Path caFile) {
    ClientSSLOptions options = new ClientSSLOptions()
        .setHostnameVerificationAlgorithm("HTTPS")
        .setTrustAll(false)
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(PROTOCOLS));
    if (caFile != null) {
      try {
        options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(Files.readAllBytes(caFile))));
      } catch (IOException e) {
        throw new CertificateProblem("CA bundle " + caFile + ": cannot be read (" + e.getMessage() + ")");
      }
    }
    return options;
  }

  /** Checks at config load that {@code caFile} holds at least one PEM certificate; says what is wrong otherwise. */
  public static void checkCaFile(Path caFile) {
    try (var in = Files.newInputStream(caFile)) {
      if (java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new java.security.cert.CertificateException("no certificate found");
      }
    } catch (IOException e) {
      throw new CertificateProblem(caFile + " cannot be read (" + e.getClass().getSimpleName() + ")");
    } catch (java.security.cert.CertificateException | RuntimeException e) {
      throw new CertificateProblem(caFile + " is not a PEM CA bundle (" + e.getMessage()
          + "); expected -----BEGIN CERTIFICATE----- blocks");
    }
  }
}
