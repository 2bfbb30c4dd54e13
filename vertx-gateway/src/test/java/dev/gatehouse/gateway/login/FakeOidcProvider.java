package dev.gatehouse.gateway.login;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny OpenID provider for handler tests: discovery, an authorization endpoint that "logs in" at once, a token
 * endpoint with single-use codes, PKCE and client-secret checks, refresh tokens, a JWKS and RP-initiated logout.
 */
final class FakeOidcProvider {

  static final String CLIENT_ID = "gateway";
  static final String CLIENT_SECRET = "s3cret";
  static final String KID = "test-key";

  private record PendingCode(String nonce, String challenge, String redirectUri) {}

  private final KeyPair keys;
  private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
  private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
  private final AtomicInteger counter = new AtomicInteger();
  final AtomicInteger tokenRequests = new AtomicInteger();
  final AtomicInteger discoveryRequests = new AtomicInteger();
  final List<Map<String, String>> logoutRequests = new CopyOnWriteArrayList<>();
  volatile boolean enforcePkce = true;
  volatile int accessTokenPadding = 0;
  volatile String advertisedIssuer;
  private HttpServer server;

  FakeOidcProvider() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
  }

  Future<FakeOidcProvider> start(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.get("/realms/gatehouse/.well-known/openid-configuration").handler(this::discovery);
    router.get("/realms/gatehouse/protocol/openid-connect/auth").handler(this::authorize);
    router.post("/realms/gatehouse/protocol/openid-connect/token").handler(this::token);
    router.get("/realms/gatehouse/protocol/openid-connect/certs").handler(ctx -> json(ctx, 200, jwks()));
    router.get("/realms/gatehouse/protocol/openid-connect/logout").handler(this::logout);
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").map(s -> {
      server = s;
      return this;
    });
  }

  Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  String issuer() {
    return "http://127.0.0.1:" + server.actualPort() + "/realms/gatehouse";
  }

  /** An access token as Keycloak would mint it; the tests' verifier accepts exactly these. */
  String accessToken(String subject) {
    JsonObject claims = new JsonObject().put("iss", issuer()).put("sub", subject).put("typ", "Bearer")
        .put("azp", CLIENT_ID).put("exp", now() + 300).put("pad", "x".repeat(accessTokenPadding));
    return sign(claims);
  }

  String sign(JsonObject claims) {
    return sign(new JsonObject().put("alg", "RS256").put("kid", KID).put("typ", "JWT"), claims);
  }

  String sign(JsonObject header, JsonObject claims) {
    try {
      String content = b64(header.encode()) + "." + b64(claims.encode());
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(keys.getPrivate());
      signature.update(content.getBytes(StandardCharsets.US_ASCII));
      return content + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void discovery(RoutingContext ctx) {
    discoveryRequests.incrementAndGet();
    String base = issuer() + "/protocol/openid-connect";
    json(ctx, 200, new JsonObject().put("issuer", advertisedIssuer == null ? issuer() : advertisedIssuer)
        .put("authorization_endpoint", base + "/auth")
        .put("token_endpoint", base + "/token")
        .put("end_session_endpoint", base + "/logout")
        .put("jwks_uri", base + "/certs"));
  }

  private void authorize(RoutingContext ctx) {
    var q = ctx.queryParams();
    if (!CLIENT_ID.equals(q.get("client_id")) || !"code".equals(q.get("response_type"))
        || !"S256".equals(q.get("code_challenge_method")) || !"openid".equals(q.get("scope"))) {
      json(ctx, 400, new JsonObject().put("error", "invalid_request"));
      return;
    }
    String code = "code-" + counter.incrementAndGet();
    codes.put(code, new PendingCode(q.get("nonce"), q.get("code_challenge"), q.get("redirect_uri")));
    ctx.response().setStatusCode(302).putHeader("Location", q.get("redirect_uri") + "?code=" + code + "&state="
        + OidcClient.formEncode(q.get("state"))).end();
  }

  private void token(RoutingContext ctx) {
    tokenRequests.incrementAndGet();
    String expectedAuth = "Basic " + Base64.getEncoder().encodeToString(
        (CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
    var form = ctx.request().formAttributes();
    boolean basic = expectedAuth.equals(ctx.request().getHeader("Authorization")) && form.get("client_secret") == null;
    boolean post = ctx.request().getHeader("Authorization") == null && CLIENT_ID.equals(form.get("client_id"))
        && CLIENT_SECRET.equals(form.get("client_secret"));
    if (!basic && !post) {
      json(ctx, 401, new JsonObject().put("error", "invalid_client"));
      return;
    }
    String nonce = null;
    switch (String.valueOf(form.get("grant_type"))) {
      case "authorization_code" -> {
        PendingCode pending = codes.remove(String.valueOf(form.get("code")));
        if (pending == null || !pending.redirectUri().equals(form.get("redirect_uri"))
            || (enforcePkce && !pending.challenge().equals(s256(form.get("code_verifier"))))) {
          json(ctx, 400, new JsonObject().put("error", "invalid_grant"));
          return;
        }
        nonce = pending.nonce();
      }
      case "refresh_token" -> {
        if (!refreshTokens.remove(String.valueOf(form.get("refresh_token")))) {
          json(ctx, 400, new JsonObject().put("error", "invalid_grant"));
          return;
        }
      }
      default -> {
        json(ctx, 400, new JsonObject().put("error", "unsupported_grant_type"));
        return;
      }
    }
    String refreshToken = "refresh-" + counter.incrementAndGet();
    refreshTokens.add(refreshToken);
    JsonObject idClaims = new JsonObject().put("iss", issuer()).put("sub", "user-1").put("aud", CLIENT_ID)
        .put("azp", CLIENT_ID).put("typ", "ID").put("exp", now() + 300);
    if (nonce != null) {
      idClaims.put("nonce", nonce);
    }
    json(ctx, 200, new JsonObject().put("access_token", accessToken("user-1")).put("token_type", "Bearer")
        .put("expires_in", 300).put("refresh_token", refreshToken).put("refresh_expires_in", 1800)
        .put("id_token", sign(idClaims)));
  }

  private void logout(RoutingContext ctx) {
    Map<String, String> params = new ConcurrentHashMap<>();
    ctx.queryParams().forEach(params::put);
    logoutRequests.add(params);
    String target = params.get("post_logout_redirect_uri");
    String state = params.get("state");
    ctx.response().setStatusCode(302)
        .putHeader("Location", target + (state == null ? "" : "?state=" + OidcClient.formEncode(state))).end();
  }

  JsonObject jwks() {
    RSAPublicKey key = (RSAPublicKey) keys.getPublic();
    return new JsonObject().put("keys", new JsonArray()
        .add(new JsonObject().put("kty", "RSA").put("use", "enc").put("kid", "enc-key").put("n", "AQAB").put("e", "AQAB"))
        .add(new JsonObject().put("kty", "RSA").put("use", "sig").put("alg", "RS256").put("kid", KID)
            .put("n", unsigned(key.getModulus())).put("e", unsigned(key.getPublicExponent()))));
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes[0] == 0) {
      bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(String.valueOf(verifier).getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
