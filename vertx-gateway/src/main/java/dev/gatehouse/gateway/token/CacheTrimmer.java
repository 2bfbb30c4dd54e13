package dev.gatehouse.gateway.token;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Makes room in a full, concurrently used cache map: first everything past its time, then arbitrary entries until a
 * quarter is free (cheap, and a miss only costs recomputing one entry). One trim at a time; a caller that finds a
 * trim running just goes on, so the map may briefly exceed its bound by the writes in flight.
 */
public final class CacheTrimmer {
  private final int maxSize;
  private final AtomicBoolean trimming = new AtomicBoolean();

  public CacheTrimmer(int maxSize) {
    this.maxSize = maxSize;
  }

  public <V> void makeRoom(Map<String, V> entries, Predicate<V> stale) {
    if (!trimming.compareAndSet(false, true)) {
      return;
    }
    try {
      entries.values().removeIf(stale);
      int target = maxSize - Math.max(1, maxSize / 4);
      Iterator<String> keys = entries.keySet().iterator();
      while (entries.size() > target && keys.hasNext()) {
        keys.next();
        keys.remove();
      }
    } finally {
      trimming.set(false);
    }
  }
}
