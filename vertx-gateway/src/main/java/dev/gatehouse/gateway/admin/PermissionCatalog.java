package dev.gatehouse.gateway.admin;

import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * Which permission names exist. The admin API refuses to link a name that is not a permission (a typo would link
 * nothing anyone holds), unless the request says {@code allowUnknownPermissions=true}.
 */
public interface PermissionCatalog {
  /**
   * The names in {@code names} that are not permissions (empty when all exist). Fails with
   * {@link PermissionCatalogUnavailableException} when that cannot be told now: the caller must then refuse.
   */
  Future<Set<String>> unknown(Set<String> names);

  /**
   * The effective permissions of a role, user or client's service account, as its tokens carry them (for policy
   * tests). Fails with {@link UnknownSubjectException} when Keycloak has no such subject, and with
   * {@link PermissionCatalogUnavailableException} when that cannot be told now.
   */
  Future<SubjectPermissions> permissionsOf(PolicySubject subject);

  /**
   * The realm roles whose composites carry {@code permission}, sorted (empty when none does, or when it is not a
   * permission), for "why was I denied?". Fails with {@link PermissionCatalogUnavailableException} when that cannot
   * be told now.
   */
  default Future<List<String>> rolesCarrying(String permission) {
    return Future.failedFuture(new PermissionCatalogUnavailableException("this permission catalog cannot tell which"
        + " roles carry a permission"));
  }

  /** Where the permissions live, for messages: e.g. "client gatehouse-permissions in Keycloak realm gatehouse". */
  String source();
}
