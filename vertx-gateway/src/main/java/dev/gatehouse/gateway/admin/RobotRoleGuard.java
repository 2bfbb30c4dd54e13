package dev.gatehouse.gateway.admin;

import dev.gatehouse.gateway.policy.AccessPolicy;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Whether this gateway lets an administrator give a robot a realm role: never one whose effective permissions open
 * its own admin API (the activities guarding {@value ActivitiesAdminApi#MOUNT}), because a robot's API token is held
 * by a third party. The one check behind both giving a role and marking the roles the console offers. Non-blocking:
 * the role's permissions come from the {@link PermissionCatalog} as a {@link Future}, the decision from the loaded
 * policy in memory.
 */
final class RobotRoleGuard {
  /** Why a role that opens the admin API is refused, as the console and the 403 show it. */
  static final String OPENS_ADMIN_API = "carries permissions that open Gatehouse's admin API";

  enum Outcome { GRANTABLE, OPENS_ADMIN_API, NO_SUCH_ROLE, UNCHECKED }

  /** What the guard says of one role; {@code reason} tells why it could not be checked (UNCHECKED only). */
  record Verdict(Outcome outcome, String reason) {
    static final Verdict GRANTABLE = new Verdict(Outcome.GRANTABLE, null);
    static final Verdict OPENS_ADMIN_API = new Verdict(Outcome.OPENS_ADMIN_API, null);
    static final Verdict NO_SUCH_ROLE = new Verdict(Outcome.NO_SUCH_ROLE, null);

    static Verdict unchecked(String reason) {
      return new Verdict(Outcome.UNCHECKED, reason);
    }
  }

  private final PermissionCatalog permissions;
  private final Supplier<AccessPolicy> policy;

  /** Either may be null: every role is then UNCHECKED (fail closed), never GRANTABLE. */
  RobotRoleGuard(PermissionCatalog permissions, Supplier<AccessPolicy> policy) {
    this.permissions = permissions;
    this.policy = policy;
  }

  /** The verdict on giving a robot {@code role}; never fails (a failed lookup is UNCHECKED, with its reason). */
  Future<Verdict> check(String role) {
    if (permissions == null || policy == null) {
      return Future.succeededFuture(Verdict.unchecked("this gateway has no permission catalog to read the role's"
          + " permissions from"));
    }
    if (!policy.get().loaded()) {
      return Future.succeededFuture(Verdict.unchecked("its activity policy is not loaded yet"));
    }
    return permissions.permissionsOf(new PolicySubject(PolicySubject.Kind.ROLE, role)).transform(result -> {
      if (result.failed()) {
        return Future.succeededFuture(result.cause() instanceof UnknownSubjectException ? Verdict.NO_SUCH_ROLE
            : Verdict.unchecked("Keycloak cannot tell the role's permissions now: " + result.cause().getMessage()));
      }
      // Read the policy again: it may have been swapped while Keycloak answered.
      AccessPolicy current = policy.get();
      if (!current.loaded()) {
        return Future.succeededFuture(Verdict.unchecked("its activity policy is not loaded yet"));
      }
      boolean opensAdminApi = current.decide("GET", ActivitiesAdminApi.MOUNT + "/activities",
          result.result().permissions()).allowed();
      return Future.succeededFuture(opensAdminApi ? Verdict.OPENS_ADMIN_API : Verdict.GRANTABLE);
    });
  }
}
