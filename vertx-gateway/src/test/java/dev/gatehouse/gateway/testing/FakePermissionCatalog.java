package dev.gatehouse.gateway.testing;

import dev.gatehouse.gateway.admin.PermissionCatalog;
import dev.gatehouse.gateway.admin.PermissionCatalogUnavailableException;
import io.vertx.core.Future;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A fixed set of known permissions, which can be made unreachable; counts how often it was asked. */
public final class FakePermissionCatalog implements PermissionCatalog {
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final AtomicInteger asked = new AtomicInteger();
  private volatile boolean down;

  public FakePermissionCatalog know(String... names) {
    known.addAll(Set.of(names));
    return this;
  }

  public void down(boolean down) {
    this.down = down;
  }

  public int asked() {
    return asked.get();
  }

  @Override
  public Future<Set<String>> unknown(Set<String> names) {
    asked.incrementAndGet();
    if (down) {
      return Future.failedFuture(new PermissionCatalogUnavailableException("Keycloak at http://127.0.0.1:1 could not"
          + " be reached (ConnectException: refused)"));
    }
    Set<String> unknown = new LinkedHashSet<>(names);
    unknown.removeAll(known);
    return Future.succeededFuture(unknown);
  }

  @Override
  public String source() {
    return "the client roles of client 'gatehouse-permissions' in Keycloak realm 'test'";
  }
}
