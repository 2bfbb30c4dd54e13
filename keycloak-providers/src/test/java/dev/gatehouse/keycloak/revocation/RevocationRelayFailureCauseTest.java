package dev.gatehouse.keycloak.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The relay's WARN says what to do for the failures a new installation meets. */
class RevocationRelayFailureCauseTest {
  @Test
  void aMissingTableSaysToStartAGatewayOnce() {
    assertThat(RevocationRelay.failureCause(new SQLException("relation \"revocations\" does not exist", "42P01")))
        .contains("does not exist there yet").contains("start a gateway once");
  }

  @Test
  void aRefusedPrivilegeKeepsPostgresMessageAndNamesTheScriptThatGrantsIt() {
    String cause = RevocationRelay.failureCause(new SQLException("ERROR: permission denied for table revocations",
        "42501"));
    assertThat(cause).startsWith("ERROR: permission denied for table revocations")
        .contains("KC_SPI_EVENTS_LISTENER__GATEHOUSE_REVOCATIONS__JDBC_USERNAME")
        .contains("gatehouse_revocation_writer").contains("sql/revocation-writer-role.sql");
  }

  @Test
  void anythingElseIsReportedAsItIs() {
    assertThat(RevocationRelay.failureCause(new SQLException("Connection refused", "08001")))
        .isEqualTo("Connection refused");
    assertThat(RevocationRelay.failureCause(new IOException("broken pipe"))).isEqualTo("broken pipe");
  }
}
