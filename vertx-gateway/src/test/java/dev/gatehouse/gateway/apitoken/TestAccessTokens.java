package dev.gatehouse.gateway.apitoken;

import dev.gatehouse.gateway.token.TokenRejectedException;
import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Future;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Verifies the stub's access tokens {@code at.<subject>.<exp>.<n>}: the subject gets the permission
 * {@code use-<subject>}. Can be told to reject everything (a gateway that does not accept Keycloak's tokens).
 */
final class TestAccessTokens implements TokenVerifier {
  final AtomicBoolean rejectAll = new AtomicBoolean();

  @Override
  public Future<VerifiedToken> verify(String token) {
    String[] parts = token.split("\\.");
    if (rejectAll.get() || parts.length != 4 || !parts[0].equals("at")) {
      return Future.failedFuture(new TokenRejectedException(TokenRejectedException.Reason.WRONG_AUDIENCE,
          "token is not meant for this gateway"));
    }
    return Future.succeededFuture(new VerifiedToken(parts[1], parts[1] + "-name", parts[1] + "@example.com",
        Set.of("use-" + parts[1]), Set.of("fellow"), "gateway", Long.parseLong(parts[2])));
  }

  @Override
  public boolean ready() {
    return true;
  }
}
