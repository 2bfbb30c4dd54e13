package dev.gatehouse.gateway.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * The gateway's certificate and private key as read from PEM files, checked before they are ever served: the
 * certificate parses, is valid now, and belongs to the key. The exact bytes are kept so that a reload can tell
 * whether the files changed.
 */
public final class ServerCertificate {
  private final Buffer certificates;
  private final Buffer key;
  private final X509Certificate leaf;

  private ServerCertificate(Buffer certificates, Buffer key, X509Certificate leaf) {
    this.certificates = certificates;
    this.key = key;
    this.leaf = leaf;
  }

  /**
   * Reads and checks the files. {@code chainFile} may be null (a cert-manager {@code tls.crt} already holds the
   * chain after the leaf).
   *
   * @throws CertificateProblem saying what is wrong with which file and what to do
   */
  public static ServerCertificate read(Path certFile, Path keyFile, Path chainFile, Instant now) {
    byte[] cert = readFile(certFile, "tls.certFile");
    byte[] key = readFile(keyFile, "tls.keyFile");
    byte[] chain = chainFile == null ? new byte[0] : readFile(chainFile, "tls.chainFile");
    return of(cert, chain, key, now, certFile, keyFile);
  }

  /** Whether the files still hold what this certificate was read from. */
  public boolean sameAs(ServerCertificate other) {
    return other != null && other.certificates.equals(certificates) && other.key.equals(key);
  }

  public PemKeyCertOptions keyCertOptions() {
    return new PemKeyCertOptions().setCertValue(certificates).setKeyValue(key);
  }

  public X509Certificate leaf() {
    return leaf;
  }

  /** For logs: subject, serial and expiry, never key material. */
  public String describe() {
    return leaf.getSubjectX500Principal().getName() + " (serial " + leaf.getSerialNumber().toString(16)
        + ", valid until " + leaf.getNotAfter().toInstant() + ")";
  }

  static ServerCertificate of(byte[] cert, byte[] chain, byte[] key, Instant now, Path certFile, Path keyFile) {
    List<X509Certificate> certs = certificates(cert, certFile);
    X509Certificate leaf = certs.get(0);
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      throw new CertificateProblem("tls.certFile " + certFile + ": the certificate " + subject(leaf) + " expired at "
          + leaf.getNotAfter().toInstant() + "; install a renewed certificate (cert-manager: check the Certificate's "
          + "status)");
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      throw new CertificateProblem("tls.certFile " + certFile + ": the certificate " + subject(leaf)
          + " is not valid before " + leaf.getNotBefore().toInstant() + "; check the clock or the certificate");
    }
    byte[] all = Arrays.copyOf(cert, cert.length + 1 + chain.length);
    all[cert.length] = '\n';
    System.arraycopy(chain, 0, all, cert.length + 1, chain.length);
    Buffer certificates = Buffer.buffer(chain.length == 0 ? cert : all);
    Buffer keyBuffer = Buffer.buffer(key);
    PrivateKey privateKey = privateKey(certificates, keyBuffer, keyFile);
    if (!belongTogether(privateKey, leaf.getPublicKey())) {
      throw new CertificateProblem("tls.keyFile " + keyFile + " does not hold the private key of the certificate in "
          + certFile + " (" + subject(leaf) + "); install the key issued with that certificate");
    }
    return new ServerCertificate(certificates, keyBuffer, leaf);
  }

  private static byte[] readFile(Path file, String key) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CertificateProblem(key + " " + file + ": cannot be read (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + "); mount the PEM file there or fix the path");
    }
  }

  private static List<X509Certificate> certificates(byte[] pem, Path file) {
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate certificate : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem))) {
        out.add((X509Certificate) certificate);
      }
      if (out.isEmpty()) {
        throw new CertificateException("no certificate found");
      }
      return out;
    } catch (CertificateException | RuntimeException e) {
      throw new CertificateProblem("tls.certFile " + file + ": is not a PEM certificate (" + e.getMessage()
          + "); expected -----BEGIN CERTIFICATE----- blocks, the server's certificate first");
    }
  }

  /** Vert.x's own PEM reader (PKCS#8, PKCS#1 RSA and SEC1 EC keys): the key is parsed exactly as it will be served. */
  private static PrivateKey privateKey(Buffer certificates, Buffer key, Path keyFile) {
    try {
      KeyManagerFactory factory = new PemKeyCertOptions().setCertValue(certificates).setKeyValue(key)
          .getKeyManagerFactory(null);
      for (KeyManager manager : factory.getKeyManagers()) {
        if (manager instanceof X509KeyManager x509) {
          for (String type : new String[] {"RSA", "EC", "EdDSA", "Ed25519"}) {
            String[] aliases = x509.getServerAliases(type, null);
            if (aliases != null && aliases.length > 0) {
              return x509.getPrivateKey(aliases[0]);
            }
          }
        }
      }
      throw new IllegalStateException("no usable key found");
    } catch (Exception e) {
      throw new CertificateProblem("tls.keyFile " + keyFile + ": is not a usable PEM private key (" + e.getMessage()
          + "); expected an unencrypted PKCS#8, PKCS#1 (RSA) or SEC1 (EC) key");
    }
  }

  /** Signs a random challenge with the key and verifies it with the certificate's public key. */
  private static boolean belongTogether(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm = switch (privateKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> privateKey.getAlgorithm(); // EdDSA, Ed25519
    };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(challenge);
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signer.sign());
    } catch (Exception e) {
      return false; // a key of another type than the certificate's, among others
    }
  }

  private static String subject(X509Certificate certificate) {
    return "\"" + certificate.getSubjectX500Principal().getName() + "\"";
  }
}
