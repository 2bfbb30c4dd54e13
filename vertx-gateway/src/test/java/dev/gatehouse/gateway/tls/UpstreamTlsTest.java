package dev.gatehouse.gateway.tls;

import static dev.gatehouse.gateway.testing.GatewayHarness.GOOD;
import static dev.gatehouse.gateway.testing.GatewayHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.http.RequestTarget;
import dev.gatehouse.gateway.testing.GatewayHarness;
import dev.gatehouse.gateway.testing.TestCertificates;
import dev.gatehouse.gateway.testing.TestCertificates.Issued;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https upstreams: the certificate must chain to the route's CA bundle and name the host the gateway dialled;
 * anything else is a 502, never a silent downgrade.
 */
class UpstreamTlsTest {
  @TempDir
  static Path dir;
  private static final Vertx upstreams = Vertx.vertx();
  private static GatewayHarness gateway;

  @BeforeAll
  static void start() throws Exception {
    Issued ca = TestCertificates.ca("Upstream CA");
    Issued otherCa = TestCertificates.ca("Some Other CA");
    Path caFile = dir.resolve("upstream-ca.pem");
    Path otherCaFile = dir.resolve("other-ca.pem");
    ca.writeCertificate(caFile);
    otherCa.writeCertificate(otherCaFile);
    int rightName = https(TestCertificates.server(ca));
    Instant now = Instant.now();
    int wrongName = https(TestCertificates.server(ca, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)),
        new GeneralName(GeneralName.dNSName, "other.example")));

    gateway = new GatewayHarness(null, null, json -> json
        .put("upstream", new JsonObject().put("caFile", caFile.toString()))
        .getJsonArray("routes")
        .add(route("/secure", rightName, null))
        .add(route("/wrongca", rightName, otherCaFile))
        .add(route("/wronghost", wrongName, null)), 1);
    gateway.policy.allow("GET", "/(secure|wrongca|wronghost)(/.*)?", "use-everything");
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    await(upstreams.close());
  }

  private static JsonObject route(String prefix, int port, Path caFile) {
    JsonObject route = new JsonObject().put("prefix", prefix).put("upstream", "https://127.0.0.1:" + port);
    return caFile == null ? route : route.put("caFile", caFile.toString());
  }

  /** An HTTPS upstream that answers with what it received. */
  private static int https(Issued certificate) throws Exception {
    HttpServer server = await(upstreams.createHttpServer(new HttpServerOptions().setSsl(true).setHost("127.0.0.1")
        .setKeyCertOptions(new PemKeyCertOptions()
            .setCertValue(io.vertx.core.buffer.Buffer.buffer(TestCertificates.pem(certificate.certificate())))
            .setKeyValue(io.vertx.core.buffer.Buffer.buffer(TestCertificates.pem(certificate.keys().getPrivate())))))
        .requestHandler(request -> request.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("path", request.path()).put("tls", request.isSSL())
                .put("forwardedFor", new JsonArray(request.headers().getAll("X-Forwarded-For"))).encode()))
        .listen(0));
    return server.actualPort();
  }

  @Test
  void anUpstreamWhoseCertificateChainsToTheCaBundleIsReached() throws Exception {
    HttpResponse<String> response = gateway.get("/secure/orders", GOOD);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getString("path")).isEqualTo("/secure/orders");
    assertThat(body.getBoolean("tls")).isTrue();
  }

  @Test
  void anUpstreamSignedByAnotherCaIsRefused() throws Exception {
    HttpResponse<String> response = gateway.get("/wrongca/orders", GOOD);

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).doesNotContain("orders\"");
  }

  @Test
  void anUpstreamCertificateForAnotherHostIsRefused() throws Exception {
    assertThat(gateway.get("/wronghost/orders", GOOD).statusCode()).isEqualTo(502);
  }
}
