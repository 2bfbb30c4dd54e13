package dev.gatehouse.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.login.OidcClient.ProviderMetadata;
import dev.gatehouse.gateway.login.OidcClient.TokenResponse;
import dev.gatehouse.gateway.login.RedirectTargets.Delivery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OidcClientTest {

  private static Vertx vertx;
  private static FakeOidcProvider provider;
  private static WebClient client;

  private final LoginState state = new LoginState("st", "no", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
      "https://a.gatehouse.test/", Delivery.COOKIE, Long.MAX_VALUE);
  private final ProviderMetadata metadata = new ProviderMetadata("https://sso.test/realms/g",
      "https://sso.test/realms/g/auth", "https://sso.test/realms/g/token", "https://sso.test/realms/g/logout",
      "https://sso.test/realms/g/certs");

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    provider = await(new FakeOidcProvider().start(vertx));
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  private static LoginOptions options(String issuer) {
    return new LoginOptions().setIssuer(issuer).setClientId(FakeOidcProvider.CLIENT_ID)
        .setClientSecret(FakeOidcProvider.CLIENT_SECRET).setPublicBaseUrl("https://api.gatehouse.test")
        .setParentDomain("gatehouse.test").setStateSecrets(List.of("x".repeat(32)));
  }

  @Test
  void buildsTheAuthorizationUrlWithPkceS256() {
    OidcClient oidc = new OidcClient(client, options(metadata.issuer()));

    assertThat(oidc.authorizationUrl(metadata, state)).isEqualTo("https://sso.test/realms/g/auth?response_type=code"
        + "&client_id=gateway&redirect_uri=https%3A%2F%2Fapi.gatehouse.test%2Fauth%2Fcallback&scope=openid&state=st"
        + "&nonce=no&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
  }

  @Test
  void buildsTheEndSessionUrlWithAndWithoutHint() {
    OidcClient oidc = new OidcClient(client, options(metadata.issuer()));

    assertThat(oidc.endSessionUrl(metadata, "a.b.c", "https://app.gatehouse.test/?x=1"))
        .isEqualTo("https://sso.test/realms/g/logout?id_token_hint=a.b.c&client_id=gateway"
            + "&post_logout_redirect_uri=https%3A%2F%2Fapi.gatehouse.test%2Fauth%2Flogout%2Fdone"
            + "&state=https%3A%2F%2Fapp.gatehouse.test%2F%3Fx%3D1");
    assertThat(oidc.endSessionUrl(metadata, null, null)).isEqualTo("https://sso.test/realms/g/logout?client_id=gateway"
        + "&post_logout_redirect_uri=https%3A%2F%2Fapi.gatehouse.test%2Fauth%2Flogout%2Fdone");
  }

  @Test
  void exchangesACodeWithClientSecretPost() throws Exception {
    LoginOptions options = options(provider.issuer()).setClientAuthMethod(LoginOptions.ClientAuthMethod.CLIENT_SECRET_POST);
    OidcClient oidc = new OidcClient(client, options);
    String code = codeFor(oidc, options);

    TokenResponse tokens = await(oidc.exchangeCode(code, state.codeVerifier()));

    assertThat(tokens.expiresIn()).isEqualTo(300);
    assertThat(tokens.refreshExpiresIn()).isEqualTo(1800);
    assertThat(tokens.idToken()).isNotNull();
    assertThat(failure(oidc.exchangeCode(code, state.codeVerifier())).kind()).isEqualTo(OidcException.Kind.GRANT_REFUSED);
  }

  @Test
  void aWrongClientSecretIsAConfigurationErrorNotTheUsersFault() throws Exception {
    LoginOptions options = options(provider.issuer()).setClientSecret("wrong");
    OidcClient oidc = new OidcClient(client, options);

    OidcException error = failure(oidc.exchangeCode(codeFor(oidc, options), state.codeVerifier()));
    assertThat(error.kind()).isEqualTo(OidcException.Kind.BAD_RESPONSE);
    assertThat(error.getMessage()).contains("login.clientSecret");
  }

  @Test
  void discoveryForAnotherIssuerIsRefused() throws Exception {
    provider.advertisedIssuer = "https://evil.test/realms/gatehouse";
    try {
      OidcException error = failure(new OidcClient(client, options(provider.issuer())).metadata());
      assertThat(error.kind()).isEqualTo(OidcException.Kind.BAD_RESPONSE);
      assertThat(error.getMessage()).contains("https://evil.test/realms/gatehouse");
    } finally {
      provider.advertisedIssuer = null;
    }
  }

  /** Runs the provider's authorization endpoint for our PKCE challenge and returns the code it issues. */
  private static String codeFor(OidcClient oidc, LoginOptions options) throws Exception {
    String authorize = oidc.authorizationUrl(await(oidc.metadata()),
        new LoginState("st", "no", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "https://a.gatehouse.test/",
            Delivery.COOKIE, Long.MAX_VALUE));
    String callback = await(client.getAbs(authorize).send()).getHeader("Location");
    assertThat(callback).startsWith(options.callbackUrl());
    return URI.create(callback).getQuery().replaceAll(".*code=([^&]+).*", "$1");
  }

  private static OidcException failure(Future<?> future) throws Exception {
    try {
      await(future);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(OidcException.class);
      return (OidcException) e.getCause();
    }
    throw new AssertionError("expected the call to fail");
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
