package dev.gatehouse.gateway.testing;

import dev.gatehouse.gateway.admin.PermissionCatalog;
import dev.gatehouse.gateway.admin.PermissionCatalogUnavailableException;
import dev.gatehouse.gateway.admin.PolicySubject;
import dev.gatehouse.gateway.admin.SubjectPermissions;
import dev.gatehouse.gateway.admin.UnknownSubjectException;
import java.util.Map;
import io.vertx.core.Future;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A fixed set of known permissions, which can be made unreachable; counts how often it was asked. */
public final class FakePermissionCatalog implements PermissionCatalog {
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final Map<PolicySubject, SubjectPermissions> subjects = new ConcurrentHashMap<>();
  private final Map<String, List<String>> carriers = new ConcurrentHashMap<>();
  private final AtomicInteger asked = new AtomicInteger();
  private final AtomicInteger subjectsAsked = new AtomicInteger();
  private volatile boolean down;

  public FakePermissionCatalog know(String... names) {
    known.addAll(Set.of(names));
    return this;
  }

  /** A role, user or client whose effective permissions Keycloak would answer. */
  public FakePermissionCatalog subject(PolicySubject.Kind kind, String name, boolean enabled, String... permissions) {
    subjects.put(new PolicySubject(kind, name), new SubjectPermissions(Set.of(permissions), enabled));
    return this;
  }

  /** The realm roles Keycloak would name as carrying {@code permission}. */
  public FakePermissionCatalog carriedBy(String permission, String... roles) {
    carriers.put(permission, List.of(roles));
    return this;
  }

  /** How often a subject's permissions were asked for. */
  public int subjectsAsked() {
    return subjectsAsked.get();
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
  public Future<SubjectPermissions> permissionsOf(PolicySubject subject) {
    subjectsAsked.incrementAndGet();
    if (down) {
      return Future.failedFuture(new PermissionCatalogUnavailableException("Keycloak at http://127.0.0.1:1 could not"
          + " be reached (ConnectException: refused)"));
    }
    SubjectPermissions known = subjects.get(subject);
    return known != null ? Future.succeededFuture(known) : Future.failedFuture(new UnknownSubjectException(
        "Realm 'test' has no " + subject.describe().replaceFirst(" .*", "") + " '" + subject.name() + "'."));
  }

  @Override
  public Future<List<String>> rolesCarrying(String permission) {
    if (down) {
      return Future.failedFuture(new PermissionCatalogUnavailableException("Keycloak at http://127.0.0.1:1 could not"
          + " be reached (ConnectException: refused)"));
    }
    return Future.succeededFuture(carriers.getOrDefault(permission, List.of()));
  }

  @Override
  public String source() {
    return "the client roles of client 'gatehouse-permissions' in Keycloak realm 'test'";
  }
}
