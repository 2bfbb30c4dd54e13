package dev.gatehouse.gateway.testing;

import dev.gatehouse.gateway.token.KeysNotLoadedException;
import dev.gatehouse.gateway.token.TokenRejectedException;
import dev.gatehouse.gateway.token.TokenVerifier;
import dev.gatehouse.gateway.token.VerifiedToken;
import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Accepts exactly the tokens it was given; any other string is rejected as a bad signature. */
public final class FakeVerifier implements TokenVerifier {
  private final Map<String, VerifiedToken> tokens = new ConcurrentHashMap<>();
  private volatile boolean ready = true;

  public FakeVerifier accept(String compact, VerifiedToken token) {
    tokens.put(compact, token);
    return this;
  }

  public void ready(boolean ready) {
    this.ready = ready;
  }

  @Override
  public Future<VerifiedToken> verify(String compactJwt) {
    if (!ready) {
      return Future.failedFuture(new KeysNotLoadedException("no keys"));
    }
    VerifiedToken token = tokens.get(compactJwt);
    return token != null ? Future.succeededFuture(token)
        : Future.failedFuture(new TokenRejectedException(TokenRejectedException.Reason.BAD_SIGNATURE,
            "The token's signature does not verify."));
  }

  @Override
  public boolean ready() {
    return ready;
  }
}
