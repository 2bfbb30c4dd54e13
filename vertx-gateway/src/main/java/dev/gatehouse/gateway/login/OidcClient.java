package dev.gatehouse.gateway.login;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The few OpenID Connect calls the browser login makes against Keycloak: discovery (cached), the authorization and
 * end-session URLs, the code and refresh-token grants, and the JWKS for checking ID tokens. Only the login endpoints
 * use it; request verification never calls Keycloak.
 */
public final class OidcClient {

  public record ProviderMetadata(String issuer, String authorizationEndpoint, String tokenEndpoint,
                                 String endSessionEndpoint, String jwksUri) {}

  /** {@code refreshExpiresIn} is 0 when Keycloak does not say (or for offline tokens). */
  public record TokenResponse(String accessToken, long expiresIn, String refreshToken, long refreshExpiresIn,
                              String idToken) {}

  private final WebClient client;
  private final LoginOptions options;
  private final AtomicReference<Future<ProviderMetadata>> metadata = new AtomicReference<>();

  public OidcClient(WebClient client, LoginOptions options) {
    this.client = client;
    this.options = options;
  }

  /** Fetched once and shared; a failed fetch is forgotten so the next login tries again. */
  public Future<ProviderMetadata> metadata() {
    Future<ProviderMetadata> cached = metadata.get();
    if (cached != null) {
      return cached;
    }
    Future<ProviderMetadata> fetch = get(options.issuer() + "/.well-known/openid-configuration")
        .map(this::parseMetadata);
    if (!metadata.compareAndSet(null, fetch)) {
      return metadata.get();
    }
    fetch.onFailure(e -> metadata.compareAndSet(fetch, null));
    return fetch;
  }

  public String authorizationUrl(ProviderMetadata provider, LoginState state) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", options.clientId());
    query.put("redirect_uri", options.callbackUrl());
    query.put("scope", options.scope());
    query.put("state", state.state());
    query.put("nonce", state.nonce());
    query.put("code_challenge", state.codeChallenge());
    query.put("code_challenge_method", "S256");
    return withQuery(provider.authorizationEndpoint(), query);
  }

  /**
   * RP-initiated logout. Keycloak sends the browser back to the one registered {@code post_logout_redirect_uri},
   * carrying {@code state}, which the gateway uses for the final target (checked against the allow-list again).
   */
  public String endSessionUrl(ProviderMetadata provider, String idTokenHint, String state) {
    Map<String, String> query = new LinkedHashMap<>();
    if (idTokenHint != null) {
      query.put("id_token_hint", idTokenHint);
    }
    query.put("client_id", options.clientId());
    query.put("post_logout_redirect_uri", options.logoutDoneUrl());
    if (state != null) {
      query.put("state", state);
    }
    return withQuery(provider.endSessionEndpoint(), query);
  }

  public Future<TokenResponse> exchangeCode(String code, String codeVerifier) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "authorization_code")
        .add("code", code)
        .add("redirect_uri", options.callbackUrl())
        .add("code_verifier", codeVerifier);
    return tokenRequest(form);
  }

  public Future<TokenResponse> refresh(String refreshToken) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "refresh_token")
        .add("refresh_token", refreshToken);
    return tokenRequest(form);
  }

  /** The provider's current signing keys; fetched per login, which is rare enough not to need a cache. */
  public Future<JsonArray> signingKeys() {
    return metadata().compose(provider -> get(provider.jwksUri())).map(body -> {
      JsonArray keys = parseJson(body).getJsonArray("keys");
      if (keys == null) {
        throw new OidcException(OidcException.Kind.BAD_RESPONSE, "the provider's JWKS has no 'keys' array");
      }
      return keys;
    });
  }

  private Future<TokenResponse> tokenRequest(MultiMap form) {
    return metadata().compose(provider -> {
      var request = client.postAbs(provider.tokenEndpoint())
          .timeout(options.httpTimeoutMillis())
          .putHeader("Accept", "application/json");
      if (options.clientAuthMethod() == LoginOptions.ClientAuthMethod.CLIENT_SECRET_BASIC) {
        // RFC 6749 section 2.3.1: id and secret are form-encoded before they go into Basic.
        request.basicAuthentication(formEncode(options.clientId()), formEncode(options.clientSecret()));
      } else {
        form.add("client_id", options.clientId()).add("client_secret", options.clientSecret());
      }
      return request.sendForm(form).recover(OidcClient::unreachable).map(this::parseTokenResponse);
    });
  }

  private TokenResponse parseTokenResponse(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status == 400 || status == 401) {
      JsonObject error = tryParse(response.bodyAsString());
      String code = error == null ? "unknown" : String.valueOf(error.getValue("error", "unknown"));
      if (status == 401 || "invalid_client".equals(code) || "unauthorized_client".equals(code)) {
        // The gateway's own credentials, not the user's grant: an operator must fix the configuration.
        throw new OidcException(OidcException.Kind.BAD_RESPONSE, "Keycloak rejected the gateway's client credentials ("
            + code + "): check login.clientId, login.clientSecret and login.clientAuthMethod");
      }
      throw new OidcException(OidcException.Kind.GRANT_REFUSED, "Keycloak refused the grant (" + code + ")");
    }
    if (status != 200) {
      throw new OidcException(OidcException.Kind.UNREACHABLE, "Keycloak's token endpoint answered HTTP " + status);
    }
    JsonObject json = parseJson(response.bodyAsString());
    String accessToken = json.getString("access_token");
    if (accessToken == null || !"bearer".equalsIgnoreCase(json.getString("token_type", "bearer"))) {
      throw new OidcException(OidcException.Kind.BAD_RESPONSE, "Keycloak's token response has no bearer access_token");
    }
    return new TokenResponse(accessToken, positiveLong(json, "expires_in"), json.getString("refresh_token"),
        positiveLong(json, "refresh_expires_in"), json.getString("id_token"));
  }

  private ProviderMetadata parseMetadata(String body) {
    JsonObject json = parseJson(body);
    String issuer = json.getString("issuer");
    // Mix-up defence: the document must describe exactly the configured issuer.
    if (!options.issuer().equals(issuer)) {
      throw new OidcException(OidcException.Kind.BAD_RESPONSE, "discovery at " + options.issuer()
          + " describes issuer '" + issuer + "': check login.issuer (it must match Keycloak's frontend URL exactly)");
    }
    ProviderMetadata provider = new ProviderMetadata(issuer, json.getString("authorization_endpoint"),
        json.getString("token_endpoint"), json.getString("end_session_endpoint"), json.getString("jwks_uri"));
    if (provider.authorizationEndpoint() == null || provider.tokenEndpoint() == null
        || provider.endSessionEndpoint() == null || provider.jwksUri() == null) {
      throw new OidcException(OidcException.Kind.BAD_RESPONSE, "discovery at " + options.issuer()
          + " lacks authorization, token, end-session or jwks endpoint");
    }
    return provider;
  }

  private Future<String> get(String url) {
    return client.getAbs(url).timeout(options.httpTimeoutMillis()).putHeader("Accept", "application/json").send()
        .recover(OidcClient::unreachable)
        .map(response -> {
          if (response.statusCode() != 200) {
            throw new OidcException(OidcException.Kind.UNREACHABLE, url + " answered HTTP " + response.statusCode());
          }
          return response.bodyAsString();
        });
  }

  private static <T> Future<T> unreachable(Throwable cause) {
    return Future.failedFuture(new OidcException(OidcException.Kind.UNREACHABLE,
        "Keycloak could not be reached: " + cause.getMessage()));
  }

  private static JsonObject parseJson(String body) {
    JsonObject json = tryParse(body);
    if (json == null) {
      throw new OidcException(OidcException.Kind.BAD_RESPONSE, "Keycloak answered something that is not a JSON object");
    }
    return json;
  }

  private static JsonObject tryParse(String body) {
    try {
      return body == null ? null : new JsonObject(body);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static long positiveLong(JsonObject json, String key) {
    Object value = json.getValue(key);
    return value instanceof Number number && number.longValue() > 0 ? number.longValue() : 0;
  }

  static String withQuery(String endpoint, Map<String, String> query) {
    String encoded = query.entrySet().stream()
        .map(e -> formEncode(e.getKey()) + "=" + formEncode(e.getValue()))
        .collect(Collectors.joining("&"));
    return endpoint + (endpoint.contains("?") ? "&" : "?") + encoded;
  }

  static String formEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
