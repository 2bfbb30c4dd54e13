package dev.gatehouse.gateway.audit;

import dev.gatehouse.gateway.credential.Credential;
import dev.gatehouse.gateway.token.VerifiedToken;

/** How a request identified itself, as the audit trail names it. */
public enum CredentialKind {
  NONE("none"), COOKIE("cookie"), BEARER("bearer"), API_TOKEN("api_token"), SERVICE_ACCOUNT("service_account");

  /** Keycloak names a client's service-account user {@code service-account-<client id>}. */
  private static final String SERVICE_ACCOUNT_PREFIX = "service-account-";

  private final String label;

  CredentialKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** From what was presented and (when it verified) what it turned out to be. */
  public static CredentialKind of(Credential credential, VerifiedToken token) {
    if (token != null && token.apiTokenId() != null) {
      return API_TOKEN;
    }
    if (token != null && token.username() != null && token.username().startsWith(SERVICE_ACCOUNT_PREFIX)) {
      return SERVICE_ACCOUNT;
    }
    if (credential == null) {
      return NONE;
    }
    return credential.source() == Credential.Source.COOKIE ? COOKIE : BEARER;
  }
}
