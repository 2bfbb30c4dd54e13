package dev.gatehouse.gateway.token;

import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** A key provider with a set the test controls; counts refresh requests. */
final class FixedKeys implements SigningKeyProvider {

  volatile SigningKeys keys;
  volatile SigningKeys afterRefresh;
  final AtomicInteger refreshes = new AtomicInteger();

  FixedKeys(SigningKeys keys) {
    this.keys = keys;
  }

  @Override
  public SigningKeys current() {
    return keys;
  }

  @Override
  public Future<SigningKeys> refreshForUnknownKid() {
    refreshes.incrementAndGet();
    if (afterRefresh != null) {
      keys = afterRefresh;
    }
    return Future.succeededFuture(keys);
  }
}
