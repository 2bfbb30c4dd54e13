package dev.gatehouse.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.it.support.Jwt;
import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Token endpoint latency with the permissions mapper versus without it, for a user holding 50 roles that cover 500
 * permissions. Measures and writes a report; asserts nothing about time. Run with:
 * {@code mvn -B verify -pl integration-tests -am -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false
 *   -Dit.excludedGroups=none -Dit.test=TokenEndpointBenchmarkIT}
 */
@Tag("benchmark")
@ExtendWith(RealKeycloak.class)
class TokenEndpointBenchmarkIT {
  private static final String REALM = "gatehouse";
  private static final String PERMISSIONS_CLIENT = "gatehouse-permissions";
  private static final String MAPPER_ID = "gatehouse-permissions-mapper";
  private static final int PERMISSIONS = 500;
  private static final int ROLES = 50;
  private static final int WARMUP = 50;
  private static final int ROUNDS = 300;

  @Test
  void tokenEndpointWithAndWithoutThePermissionsMapper(KeycloakServer keycloak) throws IOException {
    KeycloakAdminClient admin = keycloak.admin();
    // Hundreds of password logins a second for one user look like an attack to brute-force detection, which then
    // locks the user ("user_temporarily_disabled"). This Keycloak is the benchmark's own.
    admin.put(REALM, Map.of("bruteForceProtected", false)).expect(204);
    createUserWithManyPermissions(admin);
    createBenchClient(admin, "bench-with-permissions", false);
    createBenchClient(admin, "bench-without-permissions", true);

    String withToken = passwordGrant(admin, "bench-with-permissions");
    String withoutToken = passwordGrant(admin, "bench-without-permissions");
    assertThat(Jwt.stringSet(Jwt.payload(withToken), "permissions"))
        .as("the benchmark user must really carry 500 bench permissions").hasSizeGreaterThanOrEqualTo(PERMISSIONS);
    assertThat(Jwt.payload(withoutToken).has("permissions")).isFalse();

    for (int i = 0; i < WARMUP; i++) {
      passwordGrant(admin, "bench-with-permissions");
      passwordGrant(admin, "bench-without-permissions");
    }
    long[] with = new long[ROUNDS];
    long[] without = new long[ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
      // Alternate so that drift on a busy machine hits both sides alike.
      with[i] = timed(() -> passwordGrant(admin, "bench-with-permissions"));
      without[i] = timed(() -> passwordGrant(admin, "bench-without-permissions"));
    }

    String report = String.format("""
        | token request (password grant, %d roles, %d permissions) | median | p90 | mean |
        |---|---|---|---|
        | without the permissions mapper | %.2f ms | %.2f ms | %.2f ms |
        | with the permissions mapper | %.2f ms | %.2f ms | %.2f ms |

        Added latency (median): %+.1f %%. Access token size: %d bytes with the permissions claim, %d bytes without.
        """, ROLES, PERMISSIONS,
        percentile(without, 50), percentile(without, 90), mean(without),
        percentile(with, 50), percentile(with, 90), mean(with),
        100.0 * (percentile(with, 50) - percentile(without, 50)) / percentile(without, 50),
        withToken.length(), withoutToken.length());
    System.out.println(report);
    Path out = Path.of("target/benchmarks/token-endpoint.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
  }

  private static void createUserWithManyPermissions(KeycloakAdminClient admin) {
    String clientUuid = admin.get(REALM + "/clients?clientId=" + PERMISSIONS_CLIENT).expect(200).json().get(0)
        .path("id").asText();
    for (int p = 0; p < PERMISSIONS; p++) {
      admin.post(REALM + "/clients/" + clientUuid + "/roles", Map.of("name", String.format("bench-perm-%03d", p)))
          .expect(201);
    }
    JsonNode permissionRoles = admin.get(REALM + "/clients/" + clientUuid + "/roles?first=0&max=5000").expect(200).json();
    List<JsonNode> benchPermissions = new ArrayList<>();
    permissionRoles.forEach(role -> {
      if (role.path("name").asText().startsWith("bench-perm-")) {
        benchPermissions.add(role);
      }
    });
    benchPermissions.sort((a, b) -> a.path("name").asText().compareTo(b.path("name").asText()));

    List<JsonNode> realmRoles = new ArrayList<>();
    int perRole = PERMISSIONS / ROLES;
    for (int r = 0; r < ROLES; r++) {
      String name = String.format("bench-role-%02d", r);
      admin.post(REALM + "/roles", Map.of("name", name)).expect(201);
      admin.post(REALM + "/roles/" + name + "/composites", benchPermissions.subList(r * perRole, (r + 1) * perRole))
          .expect(204);
      realmRoles.add(admin.get(REALM + "/roles/" + name).expect(200).json());
    }

    String userId = admin.post(REALM + "/users", Map.of(
        "username", "bench-user", "enabled", true, "email", "bench-user@gatehouse.test", "emailVerified", true,
        "firstName", "Bench", "lastName", "User",
        "credentials", List.of(Map.of("type", "password", "value", "bench-user", "temporary", false))))
        .createdId();
    admin.post(REALM + "/users/" + userId + "/role-mappings/realm", realmRoles).expect(204);
  }

  private static void createBenchClient(KeycloakAdminClient admin, String clientId, boolean withoutPermissionsScope) {
    String uuid = admin.post(REALM + "/clients", Map.of(
        "clientId", clientId, "publicClient", true, "directAccessGrantsEnabled", true,
        "standardFlowEnabled", false)).createdId();
    if (withoutPermissionsScope) {
      for (JsonNode scope : admin.get(REALM + "/clients/" + uuid + "/default-client-scopes").expect(200).json()) {
        JsonNode full = admin.get(REALM + "/client-scopes/" + scope.path("id").asText()).expect(200).json();
        boolean hasMapper = false;
        for (JsonNode mapper : full.path("protocolMappers")) {
          hasMapper |= MAPPER_ID.equals(mapper.path("protocolMapper").asText());
        }
        if (hasMapper) {
          admin.delete(REALM + "/clients/" + uuid + "/default-client-scopes/" + scope.path("id").asText()).expect(204);
        }
      }
    }
  }

  private static String passwordGrant(KeycloakAdminClient admin, String clientId) {
    return admin.token(REALM, Map.of("grant_type", "password", "client_id", clientId,
        "username", "bench-user", "password", "bench-user", "scope", "openid"))
        .expect(200).json().path("access_token").asText();
  }

  private static long timed(Runnable action) {
    long start = System.nanoTime();
    action.run();
    return System.nanoTime() - start;
  }

  private static double percentile(long[] nanos, int percentile) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)] / 1e6;
  }

  private static double mean(long[] nanos) {
    return Arrays.stream(nanos).average().orElse(0) / 1e6;
  }
}
