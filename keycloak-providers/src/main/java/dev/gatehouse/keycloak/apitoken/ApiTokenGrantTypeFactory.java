package dev.gatehouse.keycloak.apitoken;

import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.grants.OAuth2GrantType;
import org.keycloak.protocol.oidc.grants.OAuth2GrantTypeFactory;

public final class ApiTokenGrantTypeFactory implements OAuth2GrantTypeFactory, StatelessProviderFactory<OAuth2GrantType> {

  @Override
  public String getId() {
    return ApiTokenGrantType.GRANT_TYPE;
  }

  /** Two characters, unique among grants: Keycloak encodes it into every access token's id. */
  @Override
  public String getShortcut() {
    return "gk";
  }

  @Override
  public OAuth2GrantType create(KeycloakSession session) {
    return new ApiTokenGrantType();
  }
}
