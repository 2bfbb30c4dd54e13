package dev.gatehouse.keycloak.apitoken;

import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Makes {@value ApiTokenCredentialModel#TYPE} a known credential type, so the admin console can show and delete API
 * tokens like any credential. It deliberately is no {@code CredentialInputValidator}: an API token must never work
 * as a password in a login flow, only through the API-token grant.
 */
public final class ApiTokenCredentialProvider implements CredentialProvider<ApiTokenCredentialModel> {
  private final KeycloakSession session;

  ApiTokenCredentialProvider(KeycloakSession session) {
    this.session = session;
  }

  @Override
  public String getType() {
    return ApiTokenCredentialModel.TYPE;
  }

  @Override
  public CredentialModel createCredential(RealmModel realm, UserModel user, ApiTokenCredentialModel credential) {
    return user.credentialManager().createStoredCredential(credential);
  }

  @Override
  public boolean deleteCredential(RealmModel realm, UserModel user, String credentialId) {
    return user.credentialManager().removeStoredCredentialById(credentialId);
  }

  @Override
  public ApiTokenCredentialModel getCredentialFromModel(CredentialModel model) {
    return ApiTokenCredentialModel.from(model);
  }

  @Override
  public CredentialTypeMetadata getCredentialTypeMetadata(CredentialTypeMetadataContext metadataContext) {
    return CredentialTypeMetadata.builder()
        .type(getType())
        .category(CredentialTypeMetadata.Category.BASIC_AUTHENTICATION)
        .displayName("API tokens")
        .helpText("Named tokens for third-party apps, created by the user through /realms/{realm}/api-tokens.")
        .iconCssClass(CredentialTypeMetadata.DEFAULT_ICON_CSS_CLASS)
        .removeable(true)
        .build(session);
  }
}
