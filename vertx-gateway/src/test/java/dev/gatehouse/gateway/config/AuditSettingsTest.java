package dev.gatehouse.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.gateway.audit.AuditOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditSettingsTest {
  private static JsonObject base() {
    return new JsonObject()
        .put("token", new JsonObject().put("issuer", "https://sso.example.com/realms/suite")
            .put("jwksUrl", "https://sso.example.com/certs").put("audiences", new JsonArray().add("gw")))
        .put("routes", new JsonArray().add(new JsonObject().put("prefix", "/api").put("upstream", "http://a:1")));
  }

  @Test
  void defaultsRecordEveryDecisionToStdout() {
    AuditOptions audit = GatewayConfig.fromJson(base(), Map.of()).audit();
    assertThat(audit).isEqualTo(AuditOptions.defaults());
    assertThat(audit.enabled()).isTrue();
    assertThat(audit.file()).isNull();
    assertThat(audit.allowSampleRate()).isEqualTo(1.0);
    assertThat(audit.postgres()).isFalse();
    assertThat(audit.retention()).isEqualTo(Duration.ofDays(30));
  }

  @Test
  void fileAndEnvironmentOverrides(@TempDir Path dir) {
    AuditOptions audit = GatewayConfig.fromJson(base().put("audit", new JsonObject()
        .put("postgres", new JsonObject().put("retentionDays", 7))), Map.of(
        "GATEHOUSE_AUDIT_FILE", dir.resolve("d.jsonl").toString(),
        "GATEHOUSE_AUDIT_ALLOW_SAMPLE_RATE", "0.01",
        "GATEHOUSE_AUDIT_POSTGRES", "true")).audit();
    assertThat(audit.file()).isEqualTo(dir.resolve("d.jsonl"));
    assertThat(audit.allowSampleRate()).isEqualTo(0.01);
    assertThat(audit.postgres()).isTrue();
    assertThat(audit.retention()).isEqualTo(Duration.ofDays(7));
    assertThat(GatewayConfig.environmentVariables()).contains("GATEHOUSE_AUDIT_FILE", "GATEHOUSE_LOG_FORMAT",
        "OTEL_TRACES_EXPORTER");
  }

  @Test
  void badValuesAreRefusedNamingTheKeyAndWhatToSend() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.fromJson(base()
        .put("audit", new JsonObject().put("allowSampleRate", 5).put("enabled", "sometimes")
            .put("file", "/no/such/dir/d.jsonl").put("queueCapacity", 10)), Map.of()));
    assertThat(e.getMessage())
        .contains("audit.allowSampleRate: expected a share between 0 and 1")
        .contains("audit.enabled: expected true or false")
        .contains("audit.file: expected a file in an existing directory")
        .contains("audit.queueCapacity: expected a whole number between 1024");
    ConfigException fromEnv = catchThrowableOfType(ConfigException.class, () -> GatewayConfig.fromJson(base(),
        Map.of("GATEHOUSE_AUDIT_ALLOW_SAMPLE_RATE", "1%")));
    assertThat(fromEnv.getMessage()).contains("audit.allowSampleRate (from GATEHOUSE_AUDIT_ALLOW_SAMPLE_RATE)");
  }
}
