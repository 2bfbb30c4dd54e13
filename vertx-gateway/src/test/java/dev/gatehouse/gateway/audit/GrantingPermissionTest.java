package dev.gatehouse.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.policy.Activity;
import dev.gatehouse.gateway.token.VerifiedToken;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The permission a record names: the first, in name order, of those both the caller holds and the activity accepts. */
class GrantingPermissionTest {
  @Test
  void anActivityWithFewerPermissionsThanTheCallerNamesTheFirstSharedOne() {
    Activity activity = activity("users:write", "users:read", "nobody-has-this");
    VerifiedToken caller = caller("a", "b", "users:write", "users:read", "z");

    assertThat(RequestAudit.grantingPermission(activity, caller)).isEqualTo("users:read");
  }

  @Test
  void aCallerWithFewerPermissionsThanTheActivityNamesTheFirstSharedOne() {
    Activity activity = activity("a", "b", "c", "users:write", "users:read");
    VerifiedToken caller = caller("users:write", "users:read");

    assertThat(RequestAudit.grantingPermission(activity, caller)).isEqualTo("users:read");
  }

  @Test
  void nothingSharedNamesNothing() {
    assertThat(RequestAudit.grantingPermission(activity("users:read"), caller("roles:read", "x"))).isNull();
    assertThat(RequestAudit.grantingPermission(activity("users:read", "x", "y"), caller())).isNull();
  }

  private static Activity activity(String... permissions) {
    return new Activity(7, "GET", "^/api/v1/users$", "list users", Set.of(permissions));
  }

  private static VerifiedToken caller(String... permissions) {
    return new VerifiedToken("subject", "carol", null, Set.of(permissions), Set.of(), "web", Long.MAX_VALUE);
  }
}
