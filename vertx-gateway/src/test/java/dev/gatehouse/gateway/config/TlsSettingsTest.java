package dev.gatehouse.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.gateway.forwarded.TrustedProxies;
import dev.gatehouse.gateway.testing.TestCertificates;
import dev.gatehouse.gateway.testing.TestCertificates.Issued;
import dev.gatehouse.gateway.tls.TlsMode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tls, trustedProxies and upstream CA keys: fail closed, and say what is wrong with which file. */
class TlsSettingsTest {
  private static final Map<String, String> LOGIN_SECRETS = Map.of(
      "GATEHOUSE_GATEWAY_CLIENT_SECRET", "client-secret-from-the-environment",
      "GATEHOUSE_LOGIN_STATE_SECRETS", "first-state-secret-at-least-32-bytes-long");

  @TempDir
  static Path dir;
  private static Issued ca;
  private static Path[] good;

  @BeforeAll
  static void certificates() throws Exception {
    ca = TestCertificates.ca("Settings Test CA");
    good = TestCertificates.server(ca).write(dir, "good");
    ca.writeCertificate(dir.resolve("ca.pem"));
  }

  private static JsonObject base() {
    return new JsonObject()
        .put("token", new JsonObject().put("issuer", "https://sso.example.com/realms/suite")
            .put("jwksUrl", "https://sso.example.com/jwks").put("audiences", new JsonArray().add("gateway")))
        .put("routes", new JsonArray().add(new JsonObject().put("prefix", "/api").put("upstream", "http://127.0.0.1:8001")));
  }

  private static JsonObject secureLogin(JsonObject json) {
    return json.put("login", new JsonObject().put("publicBaseUrl", "https://api.example.com")
        .put("parentDomain", "example.com"));
  }

  private static JsonObject tls(Path cert, Path key) {
    return base().put("tls", new JsonObject().put("certFile", cert.toString()).put("keyFile", key.toString()));
  }

  private static List<String> problems(JsonObject json, Map<String, String> env) {
    return catchThrowableOfType(ConfigException.class, () -> GatewayConfig.fromJson(json, env)).problems();
  }

  @Test
  void aLoopbackListenerWithoutSecureCookiesDefaultsToPlainHttp() {
    GatewayConfig config = GatewayConfig.fromJson(base(), Map.of());

    assertThat(config.server().tls().mode()).isEqualTo(TlsMode.PLAIN);
    assertThat(config.server().tls().hstsHeader()).isNull();
    assertThat(config.proxy().trustedProxies().isEmpty()).isTrue();
  }

  @Test
  void secureLoginCookiesWithoutTlsRefuseToStartUnlessTheModeIsExplicit() {
    assertThat(problems(secureLogin(base()), LOGIN_SECRETS)).singleElement().satisfies(p -> assertThat(p)
        .startsWith("tls.mode: expected").contains("terminated-by-proxy").contains("Secure cookies"));

    GatewayConfig behindProxy = GatewayConfig.fromJson(secureLogin(base())
        .put("tls", new JsonObject().put("mode", "terminated-by-proxy")), LOGIN_SECRETS);
    assertThat(behindProxy.server().tls().mode()).isEqualTo(TlsMode.TERMINATED_BY_PROXY);

    assertThat(problems(secureLogin(base()).put("tls", new JsonObject().put("mode", "plain")), LOGIN_SECRETS))
        .singleElement().satisfies(p -> assertThat(p).startsWith("tls.mode").contains("drop the login's Secure"));
  }

  @Test
  void plainHttpOnANetworkAddressMustBeChosen() {
    JsonObject open = base().put("listen", new JsonObject().put("host", "0.0.0.0"));

    assertThat(problems(open, Map.of())).singleElement().satisfies(p -> assertThat(p)
        .startsWith("tls.mode").contains("0.0.0.0 is reachable from other machines"));
    assertThat(GatewayConfig.fromJson(open, Map.of("GATEHOUSE_TLS_MODE", "terminated-by-proxy")).server().tls().mode())
        .isEqualTo(TlsMode.TERMINATED_BY_PROXY);
    assertThat(problems(open.copy().put("tls", new JsonObject().put("mode", "none")), Map.of()))
        .singleElement().satisfies(p -> assertThat(p).startsWith("tls.mode: expected \"terminate\""));
  }

  @Test
  void aCertificateFileMeansTerminateAndCannotBeCombinedWithPlain() {
    GatewayConfig config = GatewayConfig.fromJson(secureLogin(tls(good[0], good[1])), LOGIN_SECRETS);

    assertThat(config.server().tls().mode()).isEqualTo(TlsMode.TERMINATE);
    assertThat(config.server().tls().certFile()).isEqualTo(good[0]);
    assertThat(config.server().tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(config.server().tls().hstsHeader()).isEqualTo("max-age=31536000");
    assertThat(problems(tls(good[0], good[1]).put("tls", new JsonObject().put("mode", "plain")
        .put("certFile", good[0].toString())), Map.of()))
        .singleElement().satisfies(p -> assertThat(p).startsWith("tls.certFile").contains("tls.mode plain"));
  }

  @Test
  void anExpiredCertificateIsRefusedAtStart() throws Exception {
    Instant now = Instant.now();
    Path[] expired = TestCertificates.server(ca, now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1")).write(dir, "expired");

    assertThat(problems(tls(expired[0], expired[1]), Map.of())).singleElement().satisfies(p -> assertThat(p)
        .startsWith("tls.certFile " + expired[0]).contains("expired at").contains("install a renewed certificate"));
  }

  @Test
  void aCertificateNotValidYetIsRefusedAtStart() throws Exception {
    Instant now = Instant.now();
    Path[] future = TestCertificates.server(ca, now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1")).write(dir, "future");

    assertThat(problems(tls(future[0], future[1]), Map.of())).singleElement()
        .satisfies(p -> assertThat(p).contains("is not valid before"));
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedAtStart() throws Exception {
    Path[] other = TestCertificates.server(ca).write(dir, "other");

    assertThat(problems(tls(good[0], other[1]), Map.of())).singleElement().satisfies(p -> assertThat(p)
        .startsWith("tls.keyFile " + other[1]).contains("does not hold the private key of the certificate in " + good[0]));
  }

  @Test
  void unreadableOrMalformedFilesAreNamed() throws Exception {
    Path missing = dir.resolve("missing.crt");
    assertThat(problems(tls(missing, good[1]), Map.of())).singleElement()
        .satisfies(p -> assertThat(p).startsWith("tls.certFile " + missing).contains("cannot be read"));
    assertThat(problems(tls(good[1], good[1]), Map.of())).singleElement()
        .satisfies(p -> assertThat(p).contains("is not a PEM certificate"));
    assertThat(problems(tls(good[0], good[0]), Map.of())).singleElement()
        .satisfies(p -> assertThat(p).startsWith("tls.keyFile").contains("is not a usable PEM private key"));
    assertThat(problems(base().put("tls", new JsonObject().put("mode", "terminate")
        .put("certFile", good[0].toString())), Map.of()))
        .singleElement().satisfies(p -> assertThat(p).startsWith("tls.keyFile: expected the PEM file path"));
  }

  @Test
  void onlyModernProtocolsAndKnownSuites() {
    JsonObject json = tls(good[0], good[1]);
    json.getJsonObject("tls").put("protocols", new JsonArray().add("TLSv1.3").add("TLSv1.1"))
        .put("cipherSuites", new JsonArray().add("TLS_AES_128_GCM_SHA256").add("ECDHE-RSA-AES128-GCM-SHA256"))
        .put("hsts", new JsonObject().put("preload", true));

    assertThat(problems(json, Map.of())).containsExactlyInAnyOrder(
        "tls.protocols: expected TLSv1.3 and/or TLSv1.2 (older versions are broken), got \"TLSv1.1\"",
        "tls.cipherSuites: expected a cipher suite this JDK supports, in JDK names such as "
            + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, got \"ECDHE-RSA-AES128-GCM-SHA256\"",
        "tls.hsts.preload: expected false unless tls.hsts.includeSubDomains is true and tls.hsts.maxAgeSeconds is "
            + "at least 31536000 (the preload list's requirements), got true");
  }

  @Test
  void hstsCanBeTunedOrSwitchedOff() {
    JsonObject json = tls(good[0], good[1]);
    json.getJsonObject("tls").put("hsts", new JsonObject().put("includeSubDomains", true).put("preload", true)
        .put("maxAgeSeconds", 63072000));
    assertThat(GatewayConfig.fromJson(json, Map.of()).server().tls().hstsHeader())
        .isEqualTo("max-age=63072000; includeSubDomains; preload");

    json.getJsonObject("tls").put("hsts", new JsonObject().put("maxAgeSeconds", 0));
    assertThat(GatewayConfig.fromJson(json, Map.of()).server().tls().hstsHeader()).isNull();
  }

  @Test
  void trustedProxyBlocksAreCheckedOneByOne() {
    JsonObject json = base().put("trustedProxies", new JsonObject().put("cidrs", new JsonArray()
        .add("10.0.0.0/8").add("10.1.2.3/8").add("10.0.0.0/33").add("proxy.internal").add("0.0.0.0/0")
        .add("fd00::/8").add("192.0.2.7")).put("header", "X-Real-IP"));

    assertThat(problems(json, Map.of())).containsExactlyInAnyOrder(
        "trustedProxies.cidrs[1]: expected an address block such as \"10.0.0.0/8\" or \"fd00::/8\" (\"10.1.2.3/8\" has "
            + "bits set after the /8 prefix; did you mean 10.0.0.0/8?), got \"10.1.2.3/8\"",
        "trustedProxies.cidrs[2]: expected an address block such as \"10.0.0.0/8\" or \"fd00::/8\" (\"/33\" is not a "
            + "prefix length between 0 and 32), got \"10.0.0.0/33\"",
        "trustedProxies.cidrs[3]: expected an address block such as \"10.0.0.0/8\" or \"fd00::/8\" (\"proxy.internal\" "
            + "is not an IPv4 or IPv6 address literal), got \"proxy.internal\"",
        "trustedProxies.cidrs[4]: expected a block narrower than /0: trusting every address lets any client choose "
            + "the address the upstreams, logs and limits see, got \"0.0.0.0/0\"",
        "trustedProxies.header: expected \"X-Forwarded-For\" or \"Forwarded\": the one header your proxies set (the "
            + "other is ignored), got \"X-Real-IP\"");

    TrustedProxies fromEnv = GatewayConfig.fromJson(base(),
        Map.of("GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8,192.0.2.7")).proxy().trustedProxies();
    assertThat(fromEnv.cidrs()).extracting(Object::toString).containsExactly("10.0.0.0/8", "fd00::/8",
        "192.0.2.7/32");
    assertThat(fromEnv.header()).isEqualTo(TrustedProxies.Header.X_FORWARDED_FOR);
  }

  @Test
  void httpsUpstreamsTrustTheirRoutesCaBundleOrTheGlobalOne() throws Exception {
    Path ca2 = dir.resolve("ca.pem");
    JsonObject json = base().put("upstream", new JsonObject().put("caFile", ca2.toString()))
        .put("routes", new JsonArray()
            .add(new JsonObject().put("prefix", "/a").put("upstream", "https://a.internal:8443"))
            .add(new JsonObject().put("prefix", "/b").put("upstream", "https://b.internal")
                .put("caFile", good[0].toString()))
            .add(new JsonObject().put("prefix", "/c").put("upstream", "http://c.internal")));

    GatewayConfig config = GatewayConfig.fromJson(json, Map.of());
    assertThat(config.proxy().routes()).extracting(RouteConfig::caFile).containsExactly(ca2, good[0], null);

    json.getJsonArray("routes").getJsonObject(0).put("caFile", dir.resolve("nope.pem").toString());
    json.getJsonArray("routes").getJsonObject(2).put("caFile", ca2.toString());
    json.getJsonArray("routes").getJsonObject(1).put("caFile", good[1].toString());
    assertThat(problems(json, Map.of())).satisfiesExactlyInAnyOrder(
        p -> assertThat(p).startsWith("routes[0].caFile: expected a readable PEM CA bundle").contains("cannot be read"),
        p -> assertThat(p).startsWith("routes[1].caFile: expected a readable PEM CA bundle")
            .contains("is not a PEM CA bundle"),
        p -> assertThat(p).startsWith("routes[2].caFile: expected no CA bundle on an http upstream"));
  }
}
