package dev.gatehouse.gateway.apitoken;

import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Future;

/**
 * Accepts API tokens wherever the gateway accepts access tokens: a {@code gatehouse_pat_} token is resolved to its
 * owner's current access token, which then goes through the very same verification as any other token. Everything
 * else goes straight to the access-token verifier, at the cost of one prefix check.
 */
public final class ApiTokenVerifier implements TokenVerifier {
  private final TokenVerifier accessTokens;
  private final ApiTokenResolver resolver;

  public ApiTokenVerifier(TokenVerifier accessTokens, ApiTokenResolver resolver) {
    this.accessTokens = accessTokens;
    this.resolver = resolver;
  }

  @Override
  public Future<VerifiedToken> verify(String token) {
    if (!ApiTokenFormat.hasPrefix(token)) {
      return accessTokens.verify(token);
    }
    return resolver.accessToken(token).compose(accessTokens::verify);
  }

  @Override
  public boolean ready() {
    return accessTokens.ready();
  }
}
