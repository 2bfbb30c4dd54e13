package dev.gatehouse.gateway.token;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

final class CountingListener implements TokenVerificationListener {

  final AtomicInteger signatureChecks = new AtomicInteger();
  final AtomicInteger cacheHits = new AtomicInteger();
  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger keysNotLoaded = new AtomicInteger();
  final Map<TokenRejectedException.Reason, Integer> rejections = new EnumMap<>(TokenRejectedException.Reason.class);

  @Override
  public void accepted(boolean fromCache) {
    accepted.incrementAndGet();
    if (fromCache) {
      cacheHits.incrementAndGet();
    }
  }

  @Override
  public synchronized void rejected(TokenRejectedException.Reason reason) {
    rejections.merge(reason, 1, Integer::sum);
  }

  @Override
  public void keysNotLoaded() {
    keysNotLoaded.incrementAndGet();
  }

  @Override
  public void signatureChecked() {
    signatureChecks.incrementAndGet();
  }
}
