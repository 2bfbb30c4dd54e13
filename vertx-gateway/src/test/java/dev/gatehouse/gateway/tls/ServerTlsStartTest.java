package dev.gatehouse.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gatehouse.gateway.GatewayVerticle;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.credential.CredentialExtractor;
import dev.gatehouse.gateway.GatewayRoutes;
import dev.gatehouse.gateway.ops.GatewayMetrics;
import dev.gatehouse.gateway.testing.FakePolicy;
import dev.gatehouse.gateway.testing.FakeVerifier;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.TestCertificates;
import dev.gatehouse.gateway.testing.TestCertificates.Issued;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files are checked again when a server starts: they may have changed since the config was read. */
class ServerTlsStartTest {
  @TempDir
  Path dir;

  @Test
  void aServerDoesNotStartOnACertificateThatExpiredSinceTheConfigWasRead() throws Exception {
    Issued ca = TestCertificates.ca("Start CA");
    Path[] files = TestCertificates.server(ca).write(dir, "server");
    GatewayConfig config = GatewayConfig.fromJson(new JsonObject()
        .put("listen", new JsonObject().put("port", 0))
        .put("tls", new JsonObject().put("certFile", files[0].toString()).put("keyFile", files[1].toString()))
        .put("token", new JsonObject().put("issuer", "http://127.0.0.1:1/r").put("jwksUrl", "http://127.0.0.1:1/j")
            .put("audiences", new JsonArray().add("gw")))
        .put("routes", new JsonArray().add(new JsonObject().put("prefix", "/api").put("upstream", "http://127.0.0.1:1"))),
        Map.of());
    Instant now = Instant.now();
    Path[] expired = TestCertificates.server(ca, now.minus(Duration.ofDays(9)), now.minus(Duration.ofDays(2)),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1")).write(dir, "expired");
    Files.copy(expired[0], files[0], java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(expired[1], files[1], java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    Vertx vertx = Vertx.vertx();
    try {
      GatewayRoutes.Parts parts = new GatewayRoutes.Parts(config.server().publicRoutes(), 
          new CredentialExtractor("jwt-token"), new FakeVerifier(), new FakePolicy(), new GatewayMetrics(), null);
      Throwable failure = catchThrowable(() -> GatewayHarness.await(vertx.deployVerticle(
          new GatewayVerticle(config.server(), config.proxy(), parts))));

      assertThat(failure).rootCause().isInstanceOf(CertificateProblem.class)
          .hasMessageContaining("tls.certFile " + files[0]).hasMessageContaining("expired at");
    } finally {
      GatewayHarness.await(vertx.close());
    }
  }
}
