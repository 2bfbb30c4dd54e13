package dev.gatehouse.it.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.it.support.RealKeycloak;
import dev.gatehouse.stack.DevSecrets;
import dev.gatehouse.stack.StackLayout;
import dev.gatehouse.stack.keycloak.KeycloakAdminClient;
import dev.gatehouse.stack.keycloak.KeycloakServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manual step of docs/operations.md ("Permission names: the gateway's narrow grant") for a realm imported before
 * the role existed: the same kcadm.sh commands, run against the real Keycloak, take the gateway's service account
 * from {@code view-clients} to {@code gatehouse-permission-reader}.
 */
@ExtendWith(RealKeycloak.class)
class PermissionReaderMigrationIT {
  private static final String REALM = GatehouseRealm.REALM;
  private static final String READER_ROLE = "gatehouse-permission-reader";
  private static final String SERVICE_ACCOUNT = "service-account-gateway";

  @TempDir
  Path work;

  @Test
  void theDocumentedCommandsSwapViewClientsForTheReaderRole(KeycloakServer keycloak) throws IOException {
    GatehouseRealm realm = new GatehouseRealm(keycloak);
    KeycloakAdminClient admin = realm.admin();
    String serviceAccount = realm.serviceAccountUserId("gateway");
    String realmManagement = realm.clientUuid("realm-management");
    try {
      // A realm as imported before this change: view-clients, and no reader role at all.
      admin.post(REALM + "/users/" + serviceAccount + "/role-mappings/clients/" + realmManagement,
          List.of(admin.get(REALM + "/clients/" + realmManagement + "/roles/view-clients").expect(200).json()))
          .expect(204);
      admin.delete(REALM + "/roles/" + READER_ROLE).expect(204);
      assertThat(catalogStatus(keycloak, realm)).isEqualTo(403);
      assertThat(clientsStatus(keycloak, realm)).as("what view-clients allowed").isEqualTo(200);

      kcadm(keycloak, "config", "credentials", "--server", keycloak.baseUrl(), "--realm", "master",
          "--user", keycloak.options().adminUsername(), "--password", keycloak.options().adminPassword());
      kcadm(keycloak, "create", "roles", "-r", REALM, "-s", "name=" + READER_ROLE,
          "-s", "description=May list the permission names and nothing else.");
      kcadm(keycloak, "add-roles", "-r", REALM, "--uusername", SERVICE_ACCOUNT, "--rolename", READER_ROLE);
      assertThat(catalogStatus(keycloak, realm)).as("step 2 done: new gateways work").isEqualTo(200);
      kcadm(keycloak, "remove-roles", "-r", REALM, "--uusername", SERVICE_ACCOUNT, "--cclientid", "realm-management",
          "--rolename", "view-clients");

      assertThat(catalogStatus(keycloak, realm)).isEqualTo(200);
      assertThat(clientsStatus(keycloak, realm)).isEqualTo(403);
      assertThat(admin.get(REALM + "/users/" + serviceAccount + "/role-mappings/clients/" + realmManagement
          + "/composite").expect(200).json()).isEmpty();
      assertThat(GatehouseRealm.names(admin.get(REALM + "/users/" + serviceAccount + "/role-mappings/realm")
          .expect(200).json())).containsExactlyInAnyOrder(READER_ROLE, "gatehouse-robot-manager");
    } finally {
      restoreImportedGrant(admin, serviceAccount, realmManagement);
    }
  }

  /** Leaves the shared Keycloak as the realm file has it, whatever step failed. */
  private static void restoreImportedGrant(KeycloakAdminClient admin, String serviceAccount, String realmManagement) {
    if (admin.get(REALM + "/roles/" + READER_ROLE).status() == 404) {
      admin.post(REALM + "/roles", Map.of("name", READER_ROLE)).expect(201);
    }
    String realmRoles = REALM + "/users/" + serviceAccount + "/role-mappings/realm";
    if (!GatehouseRealm.names(admin.get(realmRoles).expect(200).json()).contains(READER_ROLE)) {
      admin.post(realmRoles, List.of(admin.get(REALM + "/roles/" + READER_ROLE).expect(200).json())).expect(204);
    }
    String clientRoles = REALM + "/users/" + serviceAccount + "/role-mappings/clients/" + realmManagement;
    if (GatehouseRealm.names(admin.get(clientRoles).expect(200).json()).contains("view-clients")) {
      admin.delete(clientRoles, List.of(admin.get(REALM + "/clients/" + realmManagement + "/roles/view-clients")
          .expect(200).json())).expect(204);
    }
  }

  private static int catalogStatus(KeycloakServer keycloak, GatehouseRealm realm) {
    return realm.admin().getWithBearer(keycloak.baseUrl() + "/realms/" + REALM + "/gatehouse-permissions",
        gatewayToken(realm)).status();
  }

  private static int clientsStatus(KeycloakServer keycloak, GatehouseRealm realm) {
    return realm.admin().getWithBearer(keycloak.baseUrl() + "/admin/realms/" + REALM + "/clients",
        gatewayToken(realm)).status();
  }

  private static String gatewayToken(GatehouseRealm realm) {
    return realm.clientCredentials("gateway", DevSecrets.gatewayClientSecret()).path("access_token").asText();
  }

  /** Keycloak's own admin CLI from the distribution, with its config in a temporary file (not ~/.keycloak). */
  private void kcadm(KeycloakServer keycloak, String... arguments) throws IOException {
    List<String> command = new ArrayList<>(List.of("/bin/bash",
        StackLayout.locate().keycloakDistribution().resolve("bin/kcadm.sh").toString()));
    command.addAll(List.of(arguments));
    command.addAll(List.of("--config", work.resolve("kcadm.config").toString()));
    Path output = work.resolve("kcadm.out");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      if (!process.waitFor(3, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("kcadm.sh " + String.join(" ", arguments) + " did not finish within 3 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    assertThat(process.exitValue()).as("kcadm.sh %s: %s", arguments[0], Files.readString(output)).isZero();
  }
}
