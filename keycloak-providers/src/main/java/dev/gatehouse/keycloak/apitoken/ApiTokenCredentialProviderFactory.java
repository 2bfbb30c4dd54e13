package dev.gatehouse.keycloak.apitoken;

import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;

public final class ApiTokenCredentialProviderFactory implements CredentialProviderFactory<ApiTokenCredentialProvider> {
  public static final String PROVIDER_ID = "gatehouse-api-token";

  @Override
  public ApiTokenCredentialProvider create(KeycloakSession session) {
    return new ApiTokenCredentialProvider(session);
  }

  @Override
  public String getId() {
    return PROVIDER_ID;
  }
}
