package dev.gatehouse.gateway.tls;

/** A certificate, key or CA file cannot be used; the message names the file, what is wrong and what to do. */
public final class CertificateProblem extends RuntimeException {
  public CertificateProblem(String message) {
    super(message);
  }
}
