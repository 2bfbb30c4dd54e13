package dev.gatehouse.gateway.config;

import dev.gatehouse.gateway.token.SignatureAlgorithm;
import dev.gatehouse.gateway.token.TokenVerifierOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code token} section: which access tokens the gateway accepts (issuer, signing keys, audiences, algorithms),
 * how long they may be, how many verified ones are remembered, and the cookie a browser sends one in. The cookie name
 * lives here because it says where the token is found; the login and the proxy get it from this section.
 */
public record TokenSettings(
    String issuer,
    URI jwksUrl,
    List<String> audiences,
    Set<SignatureAlgorithm> algorithms,
    int maxTokenBytes,
    int verifiedCacheSize,
    String cookieName) {

  public TokenSettings {
    audiences = List.copyOf(audiences);
    algorithms = Set.copyOf(algorithms);
  }

  /** What the key source and the verifier are built from. */
  public TokenVerifierOptions verifierOptions() {
    return new TokenVerifierOptions()
        .setIssuer(issuer)
        .setJwksUrl(jwksUrl == null ? null : jwksUrl.toString())
        .setAllowedAlgorithms(algorithms)
        .setAudiences(new LinkedHashSet<>(audiences))
        .setMaxTokenBytes(maxTokenBytes)
        .setCacheSize(verifiedCacheSize);
  }

  static TokenSettings read(SettingsReader in) {
    String issuer = in.string("token.issuer", null, true);
    if (issuer != null) {
      in.httpUrl("token.issuer", issuer);
    }
    String jwks = in.string("token.jwksUrl", null, true);
    URI jwksUrl = jwks == null ? null : in.httpUrl("token.jwksUrl", jwks);
    List<String> audiences = in.strings("token.audiences", List.of());
    if (audiences.isEmpty()) {
      in.problem("token.audiences", in.raw("token.audiences"),
          "at least one audience the tokens must carry in \"aud\" (e.g. the gateway's client id)");
    }
    List<String> names = in.strings("token.algorithms", List.of("RS256"));
    List<SignatureAlgorithm> algorithms = new ArrayList<>();
    for (String name : names) {
      // Only what the verifier can check: asymmetric algorithms, as an HMAC one would let a public key act as a secret.
      SignatureAlgorithm.fromJoseName(name).ifPresentOrElse(algorithms::add,
          () -> in.problem("token.algorithms", name, "one of " + supportedAlgorithms()));
    }
    if (names.isEmpty()) {
      in.problem("token.algorithms", "[]", "at least one algorithm");
    }
    int maxTokenBytes = (int) in.number("token.maxTokenBytes", 16 * 1024, 1024, 256 * 1024);
    // 0 switches the cache off: every request then verifies its token's signature (benchmarks measure that case).
    int verifiedCacheSize = (int) in.number("token.verifiedCacheSize", 10_000, 0, 10_000_000);
    String cookieName = in.string("token.cookieName", "jwt-token", false);
    if (cookieName != null && !cookieName.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
      in.problem("token.cookieName", cookieName, "a cookie name (letters, digits and -._ only)");
    }
    return new TokenSettings(issuer, jwksUrl, audiences, Set.copyOf(algorithms), maxTokenBytes, verifiedCacheSize,
        cookieName);
  }

  /** A token longer than the server accepts in a request head could never arrive. */
  void checkFitsIn(SettingsReader in, int maxHeaderBytes) {
    if (maxTokenBytes > maxHeaderBytes) {
      in.problem("token.maxTokenBytes", maxTokenBytes,
          "at most listen.maxHeaderBytes (" + maxHeaderBytes + "), or such tokens could never arrive");
    }
  }

  private static Set<String> supportedAlgorithms() {
    return new TreeSet<>(Arrays.stream(SignatureAlgorithm.values()).map(Enum::name).toList());
  }
}
